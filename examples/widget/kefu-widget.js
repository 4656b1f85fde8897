/*!
 * kefu chat widget — vanilla JS, no framework, no build step.
 *
 *   <script src="/kefu/kefu-widget.js" data-mode="local" defer></script>
 *
 * Modes
 *   local  (default) answers in the browser with vendor/kefu.widget.js + vendor/kb-index.lite.json
 *          next to this file (vendor/kefu.browser.js when given a KB object as `knowledgeBase`), fetched in parallel on first open or when the page is idle
 *          (data-preload="false": on first open only); no server round-trip.
 *   server POSTs to {api}/api/ask and receives human agents' messages live from
 *          {api}/api/events (Server-Sent Events; falls back to polling).
 *
 * Script attributes: data-mode, data-api, data-title, data-greeting, data-index, data-bundle,
 * data-open (open on load), data-manual (do not mount; call KefuWidget.mount(options) yourself).
 *
 * Safety: every string from the knowledge base, the customer or an agent is put into the page
 * with textContent / text nodes, never as HTML.
 */
(function () {
  'use strict';
  if (window.KefuWidget) return;

  var script = document.currentScript;
  var BASE = new URL('.', (script && script.src) || location.href).href;
  var HANDOFF_NOTICE = '正在为您转接人工客服…';
  var DEFAULT_HANDOFF_TEXT = '正在为您转接人工客服，请稍候…';

  // ── DOM helpers: text only ─────────────────────────────────────────────────
  function h(tag, props) {
    var el = document.createElement(tag);
    if (props) {
      for (var k in props) {
        var v = props[k];
        if (v == null || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null || c === false) continue;
      el.append(c); // strings become text nodes
    }
    return el;
  }

  var SVG_NS = 'http://www.w3.org/2000/svg';
  /** Static icons, built node by node (paths are constants of this file). */
  function icon(paths, size) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', String(size || 24));
    svg.setAttribute('height', String(size || 24));
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('fill', 'none');
    svg.setAttribute('stroke', 'currentColor');
    svg.setAttribute('stroke-width', '2');
    svg.setAttribute('stroke-linecap', 'round');
    svg.setAttribute('stroke-linejoin', 'round');
    paths.forEach(function (d) {
      var p = document.createElementNS(SVG_NS, 'path');
      p.setAttribute('d', d);
      svg.appendChild(p);
    });
    return svg;
  }
  var ICONS = {
    chat: ['M21 11.5a8.4 8.4 0 0 1-9 8.4 9.2 9.2 0 0 1-3.9-.9L3 20.5l1.4-4.3A8 8 0 0 1 3 11.5 8.6 8.6 0 0 1 12 3a8.6 8.6 0 0 1 9 8.5z', 'M8 11.5h.01', 'M12 11.5h.01', 'M16 11.5h.01'],
    close: ['M18 6 6 18', 'M6 6l12 12'],
    send: ['M22 2 11 13', 'M22 2 15 22l-4-9-9-4z'],
    up: ['M7 10v11', 'M15 5.9 14 10h5.8a2 2 0 0 1 2 2.3l-1.4 7A2 2 0 0 1 18.5 21H7V10l4-8a3 3 0 0 1 3 3z'],
    down: ['M17 14V3', 'M9 18.1 10 14H4.2a2 2 0 0 1-2-2.3l1.4-7A2 2 0 0 1 5.5 3H17v11l-4 8a3 3 0 0 1-3-3z'],
    agent: ['M3 18v-6a9 9 0 0 1 18 0v6', 'M21 19a2 2 0 0 1-2 2h-1v-6h3z', 'M3 19a2 2 0 0 0 2 2h1v-6H3z'],
  };

  function newId() {
    if (window.crypto && crypto.randomUUID) return 'web-' + crypto.randomUUID();
    return 'web-' + Math.random().toString(36).slice(2) + Date.now().toString(36);
  }
  /** Local mode's session id: localStorage, so a reload or another tab continues the conversation. */
  function storedSessionId() {
    try {
      var id = localStorage.getItem('kefu-session');
      if (!id) localStorage.setItem('kefu-session', (id = newId()));
      return id;
    } catch (e) {
      return newId();
    }
  }

  // ── transports ─────────────────────────────────────────────────────────────
  /**
   * In-browser matching with the kefu browser bundle. Nothing heavy loads with the page: the
   * engine and the index are fetched together (in parallel) on first open, on the first
   * question, or when the browser is idle — whichever comes first.
   */
  function LocalTransport(opts, sessionId) {
    var self = this;
    this.bot = null;
    this.listeners = [];
    var loading = null;
    this.load = function () {
      if (loading) return loading;
      loading = (async function () {
        var index = opts.knowledgeBase ? Promise.resolve(opts.knowledgeBase) : fetch(opts.indexUrl).then(function (res) {
          if (!res.ok) throw new Error('cannot load ' + opts.indexUrl + ': HTTP ' + res.status);
          return res.json();
        });
        // A KB object (not a prebuilt index) is built in the page: that needs the full browser bundle.
        var kbObject = opts.knowledgeBase && opts.knowledgeBase.format !== 'kefu-index';
        var loaded = await Promise.all([import(kbObject ? opts.fullBundleUrl : opts.bundleUrl), index]);
        var mod = loaded[0], kb = loaded[1];
        var bot = await mod.createBot(Object.assign({ knowledgeBase: kb }, opts.botOptions || {}));
        bot.on('agent-message', function (e) {
          if (e.sessionId === sessionId) self.emit({ type: 'agent-message', text: e.turn.text, agent: e.agentId || null });
        });
        bot.on('handback', async function (e) {
          if (e.sessionId !== sessionId) return;
          var s = await bot.session(sessionId);
          var last = s && s.turns.filter(function (t) { return t.type === 'handback'; }).pop();
          self.emit({ type: 'handback', text: last ? last.text : '' });
        });
        self.bot = bot;
        return bot;
      })();
      return loading;
    };
    // `ready` starts the load when someone awaits it.
    this.ready = { then: function (ok, fail) { return self.load().then(ok, fail); }, catch: function (fail) { return self.load().catch(fail); } };
    if (opts.preload !== false) {
      var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 3000); };
      idle(function () { self.load().catch(function () {}); }, { timeout: 8000 });
    }
    this.ask = async function (text, faqId) {
      var bot = await self.load();
      return bot.ask(text, { sessionId: sessionId, channel: 'web', faqId: faqId });
    };
    this.feedback = async function (turnId, vote) {
      var bot = await self.load();
      return bot.feedback(sessionId, turnId, vote);
    };
  }

  /** Event ids are `<ms>-<n>` (time-based: they keep growing across server restarts). */
  function compareIds(a, b) {
    var x = String(a).split('-').map(Number), y = String(b).split('-').map(Number);
    return (x[0] - y[0]) || (x[1] - y[1]);
  }

  /**
   * `kefu serve` (or kefu/server in your app): the conversation is reached through a token
   * kept in localStorage, so it survives reloads and is shared by the shop's tabs.
   */
  function ServerTransport(opts) {
    var self = this;
    var api = function (path) { return new URL(path, opts.apiBase || location.href).href; };
    var key = 'kefu-token:' + new URL(opts.apiBase || location.href).origin;
    var token = null;
    try { token = localStorage.getItem(key); } catch (e) { /* storage blocked: this page only */ }
    this.lastEventId = null;
    this.listeners = [];
    async function request(path, body, anonymous) {
      var headers = { accept: 'application/json' };
      if (body) headers['content-type'] = 'application/json';
      if (!anonymous) headers.authorization = 'Bearer ' + token;
      var res;
      try {
        res = await fetch(api(path), body ? { method: 'POST', headers: headers, body: JSON.stringify(body) } : { headers: headers });
      } catch (e) {
        e.offline = true; // network down: worth retrying
        throw e;
      }
      var data = await res.json().catch(function () { return {}; });
      if (!res.ok) {
        var err = new Error(data.error || 'HTTP ' + res.status);
        err.status = res.status;
        err.offline = res.status >= 500 || res.status === 408 || res.status === 429;
        throw err;
      }
      return data;
    }
    this.ready = (async function () {
      if (token) return;
      token = (await request('/api/session', {}, true)).token;
      try { localStorage.setItem(key, token); } catch (e) { /* this page only */ }
    })();
    var post = async function (path, body) { await self.ready; return request(path, body); };
    this.ask = function (text, faqId, clientId) { return post('/api/ask', { text: text, faqId: faqId, clientId: clientId }); };
    this.feedback = function (turnId, vote) { return post('/api/feedback', { turnId: turnId, vote: vote }); };
    this.rate = function (score) { return post('/api/rating', { score: score }); };
    this.leaveMessage = function (text, contact) { return post('/api/leave-message', { text: text, contact: contact }); };
    this.history = async function () {
      await self.ready;
      var h = await request('/api/history');
      if (h.lastEventId && !self.lastEventId) self.lastEventId = h.lastEventId;
      return h;
    };
    this.status = async function () { await self.ready; return request('/api/status'); };
    function deliver(ev) {
      if (!ev || !ev.type) return;
      if (ev.id) {
        if (self.lastEventId && compareIds(ev.id, self.lastEventId) <= 0) return;
        self.lastEventId = ev.id;
      }
      self.emit(ev);
    }
    function poll() {
      if (self.timer) return;
      var tick = async function () {
        try {
          var res = await fetch(api('/api/events?token=' + encodeURIComponent(token) + (self.lastEventId ? '&after=' + self.lastEventId : '')), { headers: { accept: 'application/json' } });
          ((await res.json()).events || []).forEach(deliver);
        } catch (e) { /* next tick */ }
      };
      self.timer = setInterval(tick, opts.pollMs || 3000);
      tick();
    }
    this.connect = async function () {
      if (self.source || self.timer) return;
      try { await self.ready; } catch (e) { return; }
      if (!window.EventSource || opts.poll) return poll();
      // EventSource sends Last-Event-ID itself when it reconnects; `after` covers the first connection.
      var src = new EventSource(api('/api/events?token=' + encodeURIComponent(token) + (self.lastEventId ? '&after=' + self.lastEventId : '')));
      self.source = src;
      src.onmessage = function (m) { try { deliver(JSON.parse(m.data)); } catch (e) { /* ignore malformed */ } };
      src.onerror = function () {
        // Refused (e.g. 429: too many streams): EventSource gives up; poll instead.
        if (src.readyState === 2) { self.source = null; poll(); }
      };
    };
    this.close = function () {
      if (self.source) self.source.close();
      if (self.timer) clearInterval(self.timer);
      self.source = self.timer = null;
    };
  }
  LocalTransport.prototype.emit = ServerTransport.prototype.emit = function (ev) {
    this.listeners.forEach(function (fn) { fn(ev); });
  };

  // ── safe Markdown: a small subset built as elements (never innerHTML) ──────────
  var LINK = /\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:|tel:)[^\s)]+)\)|(https?:\/\/[^\s<>()（）"'，。！？、]+)|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g;
  function inline(el, text) {
    var at = 0, m;
    LINK.lastIndex = 0;
    while ((m = LINK.exec(text))) {
      if (m.index > at) el.append(text.slice(at, m.index));
      if (m[1]) el.append(h('strong', { text: m[1] }));
      else {
        var href = m[3] || m[4] || 'mailto:' + m[5];
        el.append(h('a', { href: href, target: '_blank', rel: 'noopener noreferrer nofollow', text: m[2] || m[4] || m[5] }));
      }
      at = LINK.lastIndex;
    }
    if (at < text.length) el.append(text.slice(at));
    return el;
  }
  /** Paragraphs, line breaks, "- " / "1. " lists, **bold**, links (http, https, mailto, tel only). */
  function markdown(text) {
    var frag = document.createDocumentFragment();
    var list = null, para = null;
    String(text || '').split('\n').forEach(function (line) {
      var m = /^\s*(?:[-*•]|(\d+)[.、)])\s+(.*)$/.exec(line);
      if (m) {
        var tag = m[1] ? 'ol' : 'ul';
        if (!list || list.tagName.toLowerCase() !== tag) frag.append((list = h(tag)));
        list.append(inline(h('li'), m[2]));
        para = null;
        return;
      }
      list = null;
      if (!line.trim()) { para = null; return; }
      if (para) para.append(h('br'));
      else frag.append((para = h('p')));
      inline(para, line);
    });
    return frag;
  }

  // ── the widget ─────────────────────────────────────────────────────────────
  var instances = [];

  function mount(options) {
    var o = Object.assign({
      mode: 'local',
      apiBase: '',
      title: '小店客服',
      subtitle: '智能客服 · 7×24 小时在线',
      greeting: '您好！我是智能客服，请问有什么可以帮您？可以直接输入问题，例如“怎么退货”“多久发货”。',
      quickQuestions: ['怎么退货', '多久发货', '运费', '转人工'],
      bundleUrl: BASE + 'vendor/kefu.widget.js', // loads a prebuilt index only (no KB schema code)
      fullBundleUrl: BASE + 'vendor/kefu.browser.js', // for a `knowledgeBase` given as a KB object
      indexUrl: BASE + 'vendor/kb-index.lite.json',
      cssUrl: BASE + 'kefu-widget.css',
      target: document.body,
      open: false,
    }, options || {});
    if (o.mode !== 'server') o.mode = 'local';
    var sessionId = o.sessionId || storedSessionId();
    var transport = o.mode === 'server' ? new ServerTransport(o) : new LocalTransport(o, sessionId);

    var host = h('div', { class: 'kefu-host', 'data-kefu-mode': o.mode });
    host.style.visibility = 'hidden'; // until the stylesheet is in
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    var css = h('link', { rel: 'stylesheet', href: o.cssUrl });
    var shown = function () { host.style.visibility = ''; };
    css.addEventListener('load', shown);
    css.addEventListener('error', shown);
    setTimeout(shown, 1500);

    var badge = h('span', { class: 'kefu-badge', hidden: true });
    var launcher = h('button', { class: 'kefu-launcher', type: 'button', 'aria-label': '在线客服', 'aria-expanded': 'false', title: '在线客服' }, icon(ICONS.chat, 28), badge);
    var statusText = h('span', { class: 'kefu-status-text', text: o.subtitle });
    var statusDot = h('span', { class: 'kefu-dot' });
    var closeBtn = h('button', { class: 'kefu-close', type: 'button', 'aria-label': '关闭' }, icon(ICONS.close, 20));
    // A div, not <header>: the shop page has its own banner landmark.
    var header = h('div', { class: 'kefu-header' },
      h('div', { class: 'kefu-avatar kefu-avatar-lg', 'aria-hidden': 'true', text: '客' }),
      h('div', { class: 'kefu-titles' }, h('h2', { class: 'kefu-title', text: o.title }), h('div', { class: 'kefu-status' }, statusDot, statusText)),
      closeBtn);
    var log = h('div', { class: 'kefu-log', role: 'log', 'aria-live': 'polite', 'aria-label': '聊天记录', tabindex: '0' });
    var agentTyping = h('div', { class: 'kefu-agent-typing', role: 'status', 'aria-live': 'polite' });
    var queueLine = h('div', { class: 'kefu-queue', role: 'status', 'aria-live': 'polite' });
    var chips = h('div', { class: 'kefu-quick' });
    (o.quickQuestions || []).forEach(function (q) {
      chips.append(h('button', { type: 'button', class: 'kefu-chip', text: q, onclick: function () { send(q); } }));
    });
    var input = h('textarea', { class: 'kefu-input', rows: '1', maxlength: '500', placeholder: '请输入您的问题…', 'aria-label': '输入您的问题（Enter 发送，Shift+Enter 换行）', autocomplete: 'off', enterkeyhint: 'send' });
    var sendBtn = h('button', { class: 'kefu-send', type: 'submit', 'aria-label': '发送' }, icon(ICONS.send, 18));
    var form = h('form', { class: 'kefu-form' }, input, sendBtn);
    var panel = h('section', { class: 'kefu-panel', role: 'dialog', 'aria-label': o.title, hidden: true },
      header, log, agentTyping, queueLine, h('div', { class: 'kefu-footer' }, chips, form, h('div', { class: 'kefu-powered', text: 'Powered by kefu' })));
    root.append(css, panel, launcher);
    (o.target || document.body).append(host);

    var state = { opened: false, started: false, busy: false, waitingNoted: false, unread: 0, mode: 'bot' };
    var OUTBOX = 'kefu-outbox:' + o.mode;

    function scroll() { log.scrollTop = log.scrollHeight; }
    function addRow(row) { log.append(row); scroll(); return row; }
    function setStatus(text, kind) {
      statusText.textContent = text;
      statusDot.className = 'kefu-dot' + (kind ? ' kefu-dot-' + kind : '');
    }
    function customerSays(text) {
      return addRow(h('div', { class: 'kefu-msg kefu-me' }, h('div', { class: 'kefu-bubble', text: text })));
    }
    function notice(text, kind) {
      return addRow(h('div', { class: 'kefu-notice' + (kind ? ' kefu-notice-' + kind : ''), role: kind === 'error' ? 'alert' : 'status', text: text }));
    }
    function botRow(type, bubbleChildren) {
      var bubble = h('div', { class: 'kefu-bubble' });
      bubbleChildren.forEach(function (c) { if (c) bubble.append(c); });
      return addRow(h('div', { class: 'kefu-msg kefu-bot', 'data-type': type },
        h('div', { class: 'kefu-avatar', 'aria-hidden': 'true', text: '客' }), bubble));
    }
    function agentSays(text, agent) {
      var label = '人工客服' + (agent ? ' · ' + agent : '');
      agentTyping.textContent = '';
      addRow(h('div', { class: 'kefu-msg kefu-agent', 'data-type': 'agent' },
        h('div', { class: 'kefu-avatar kefu-avatar-agent', 'aria-hidden': 'true' }, icon(ICONS.agent, 16)),
        h('div', { class: 'kefu-stack' }, h('div', { class: 'kefu-from', text: label }), h('div', { class: 'kefu-bubble kefu-text' }, markdown(text)))));
      if (!state.opened) {
        state.unread++;
        badge.textContent = String(state.unread);
        badge.hidden = false;
      }
    }
    function typing() {
      return addRow(h('div', { class: 'kefu-msg kefu-bot kefu-typing', role: 'status', 'aria-label': '对方正在输入' },
        h('div', { class: 'kefu-avatar', 'aria-hidden': 'true', text: '客' }),
        h('div', { class: 'kefu-bubble' }, h('i'), h('i'), h('i'))));
    }

    function feedbackBar(reply) {
      var thanks = h('span', { class: 'kefu-fb-thanks', text: '' });
      var vote = async function (v, btn) {
        up.disabled = down.disabled = true;
        btn.setAttribute('aria-pressed', 'true');
        try {
          await transport.feedback(reply.turnId, v);
          thanks.textContent = v === 'up' ? '感谢您的肯定' : '感谢反馈，我们会改进';
          bar.setAttribute('data-voted', v);
        } catch (e) {
          up.disabled = down.disabled = false;
          btn.removeAttribute('aria-pressed');
          thanks.textContent = '反馈未提交成功';
        }
      };
      var up = h('button', { type: 'button', class: 'kefu-fb kefu-fb-up', 'aria-label': '有帮助', title: '有帮助', 'aria-pressed': 'false', onclick: function () { vote('up', up); } }, icon(ICONS.up, 14));
      var down = h('button', { type: 'button', class: 'kefu-fb kefu-fb-down', 'aria-label': '没帮助', title: '没帮助', 'aria-pressed': 'false', onclick: function () { vote('down', down); } }, icon(ICONS.down, 14));
      var bar = h('div', { class: 'kefu-feedback' }, h('span', { class: 'kefu-fb-q', text: '这个回答有帮助吗？' }), up, down, thanks);
      return bar;
    }

    /** The other questions an answer's candidates name, as chips that ask them directly. */
    function related(reply) {
      var others = (reply.candidates || []).filter(function (c) { return c.id !== reply.id && c.question; }).slice(0, 3);
      if (!others.length) return null;
      var box = h('div', { class: 'kefu-related', role: 'group', 'aria-label': '相关问题' }, h('span', { class: 'kefu-related-title', text: '相关问题' }));
      others.forEach(function (c) {
        box.append(h('button', { type: 'button', class: 'kefu-chip', 'data-faq': c.id, text: c.question, onclick: function () { send(c.question, null, c.id); } }));
      });
      return box;
    }

    /** After an agent's conversation ends: 1–5 stars. */
    function ratingCard() {
      if (!transport.rate) return;
      var stars = h('div', { class: 'kefu-stars', role: 'group', 'aria-label': '为本次人工服务评分' });
      var thanks = h('span', { role: 'status' });
      [1, 2, 3, 4, 5].forEach(function (n) {
        var b = h('button', { type: 'button', 'aria-pressed': 'false', 'aria-label': n + ' 星', text: n + '★', onclick: async function () {
          stars.querySelectorAll('button').forEach(function (x) { x.disabled = true; });
          b.setAttribute('aria-pressed', 'true');
          try { await transport.rate(n); thanks.textContent = '感谢您的评价！'; } catch (e) { thanks.textContent = '评价未提交成功'; stars.querySelectorAll('button').forEach(function (x) { x.disabled = false; }); }
        } });
        stars.append(b);
      });
      botRow('rating', [h('div', { class: 'kefu-card' }, h('span', { text: '请为本次人工服务评分：' }), stars, thanks)]);
    }

    /** No agent came: take a message (question + contact) for the shop. */
    function leaveMessageCard() {
      if (!transport.leaveMessage) return;
      var n = instances.length + '-' + Date.now();
      var text = h('textarea', { id: 'kefu-lm-text-' + n, rows: '3', maxlength: '2000', required: true });
      var contact = h('input', { id: 'kefu-lm-contact-' + n, type: 'text', maxlength: '100', autocomplete: 'tel', required: true });
      var result = h('span', { role: 'status' });
      var card = h('form', { class: 'kefu-card kefu-leave', 'aria-label': '留言' },
        h('label', { for: 'kefu-lm-text-' + n, text: '留言内容' }), text,
        h('label', { for: 'kefu-lm-contact-' + n, text: '联系方式（电话或邮箱）' }), contact,
        h('button', { type: 'submit', text: '提交留言' }), result);
      card.addEventListener('submit', async function (e) {
        e.preventDefault();
        if (!text.value.trim() || !contact.value.trim()) { result.textContent = '请填写留言内容和联系方式'; return; }
        try {
          await transport.leaveMessage(text.value.trim(), contact.value.trim());
          card.replaceChildren(h('span', { role: 'status', text: '留言已收到，客服上线后会尽快联系您。' }));
        } catch (err) { result.textContent = '留言未提交成功，请稍后再试'; }
      });
      botRow('leave-message', [card]);
    }

    function waiting(on) {
      clearInterval(state.queueTimer);
      queueLine.textContent = '';
      if (!on || !transport.status) return;
      var tick = async function () {
        try {
          var st = await transport.status();
          if (st.mode !== 'waiting') { queueLine.textContent = ''; return; }
          var secs = Math.round((st.waitedMs || 0) / 1000);
          queueLine.textContent = (st.position ? '您前面还有 ' + (st.position - 1) + ' 位顾客' : '正在排队') + ' · 已等待 ' + (secs < 60 ? secs + ' 秒' : Math.round(secs / 60) + ' 分钟');
        } catch (e) { /* next tick */ }
      };
      tick();
      state.queueTimer = setInterval(tick, 5000);
    }

    function toBot() {
      state.mode = 'bot';
      state.waitingNoted = false;
      waiting(false);
      setStatus(o.subtitle);
    }

    function showReply(reply) {
      switch (reply.type) {
        case 'answer':
          botRow('answer', [h('div', { class: 'kefu-text' }, markdown(reply.text)), related(reply), feedbackBar(reply)]);
          break;
        case 'clarify': {
          var lines = String(reply.text).split('\n');
          var lead = /^\d+\.\s/.test(lines[1] || '') ? lines[0] : reply.text;
          var list = h('div', { class: 'kefu-choices', role: 'group', 'aria-label': lead });
          (reply.candidates || []).slice(0, 3).forEach(function (c, i) {
            var btn = h('button', { type: 'button', class: 'kefu-choice', 'data-faq': c.id, onclick: function () {
              list.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
              btn.classList.add('kefu-chosen');
              send(c.question, null, c.id); // a chosen FAQ is answered directly, never a failure
            } }, h('span', { class: 'kefu-choice-n', 'aria-hidden': 'true', text: String(i + 1) }), h('span', { text: c.question }));
            list.append(btn);
          });
          botRow('clarify', [h('div', { class: 'kefu-text', text: lead }), list]);
          break;
        }
        case 'handoff': {
          var t = String(reply.text);
          if (t.slice(-DEFAULT_HANDOFF_TEXT.length) === DEFAULT_HANDOFF_TEXT) t = t.slice(0, -DEFAULT_HANDOFF_TEXT.length).trim();
          if (t) botRow('handoff', [h('div', { class: 'kefu-text' }, markdown(t))]);
          notice(reply.delivered === false ? '转接请求已记录，客服会尽快联系您' : HANDOFF_NOTICE, 'handoff');
          state.mode = 'waiting';
          state.waitingNoted = true;
          setStatus('正在为您转接人工客服', 'wait');
          waiting(true);
          break;
        }
        case 'with-human':
          if (reply.waiting && !state.waitingNoted) {
            notice('消息已转达，人工客服接入后会马上回复您');
            state.waitingNoted = true;
          }
          break;
        default: // fallback, small-talk
          botRow(reply.type, [h('div', { class: 'kefu-text' }, markdown(reply.text))]);
          if (state.mode === 'waiting' && reply.type === 'fallback' && !reply.id) leaveMessageCard(); // the wait timed out
          if (state.mode !== 'bot') toBot();
      }
    }

    var typingTimer;
    transport.listeners.push(function (ev) {
      if (ev.type === 'agent-message') {
        if (state.mode !== 'human') notice('人工客服已接入');
        state.mode = 'human';
        waiting(false);
        setStatus('人工客服' + (ev.agent ? ' ' + ev.agent : '') + ' 为您服务', 'human');
        agentSays(ev.text, ev.agent);
      } else if (ev.type === 'agent-joined') {
        state.mode = 'human';
        waiting(false);
        setStatus('人工客服' + (ev.agent ? ' ' + ev.agent : '') + ' 为您服务', 'human');
      } else if (ev.type === 'agent-typing') {
        agentTyping.textContent = (ev.agent || '客服') + ' 正在输入…';
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { agentTyping.textContent = ''; }, 4000);
      } else if (ev.type === 'handback') {
        toBot();
        notice('人工客服已结束服务');
        if (ev.text) botRow('handback', [h('div', { class: 'kefu-text' }, markdown(ev.text))]);
        ratingCard();
      } else if (ev.type === 'exchange') {
        // Sent from another tab of this customer: show it here too.
        if (!ev.clientId || sentHere[ev.clientId]) return;
        sentHere[ev.clientId] = true;
        customerSays(ev.text);
        if (ev.reply) showReply(ev.reply);
      } else if (ev.type === 'handoff-timeout') {
        if (ev.text) botRow('fallback', [h('div', { class: 'kefu-text' }, markdown(ev.text))]);
        leaveMessageCard();
        toBot();
      }
    });

    // ── sending, with an outbox: a message typed while offline is kept (also across reloads) and retried ──
    function outbox() { try { return JSON.parse(localStorage.getItem(OUTBOX) || '[]'); } catch (e) { return []; } }
    function saveOutbox(list) { try { localStorage.setItem(OUTBOX, JSON.stringify(list)); } catch (e) { /* memory only */ } }
    var pendingRows = {};
    var sentHere = {}; // clientIds this tab sent or retried: their echo from other tabs' stream is skipped

    async function deliverOne(msg) {
      var dots = state.mode === 'bot' ? typing() : null;
      try {
        var reply = await transport.ask(msg.text, msg.faqId || undefined, msg.clientId);
        saveOutbox(outbox().filter(function (m) { return m.clientId !== msg.clientId; }));
        if (pendingRows[msg.clientId]) { pendingRows[msg.clientId].classList.remove('kefu-pending'); var note = pendingRows[msg.clientId].querySelector('.kefu-pending-note'); if (note) note.remove(); delete pendingRows[msg.clientId]; }
        if (dots) dots.remove();
        showReply(reply);
        if (widget.onReply) widget.onReply(reply);
        return true;
      } catch (e) {
        if (dots) dots.remove();
        if (!e.offline) {
          saveOutbox(outbox().filter(function (m) { return m.clientId !== msg.clientId; }));
          notice('消息未能发送：' + (e.message || '请稍后再试'), 'error');
          return true;
        }
        var row = pendingRows[msg.clientId];
        if (row && !row.classList.contains('kefu-pending')) {
          row.classList.add('kefu-pending');
          row.append(h('span', { class: 'kefu-pending-note', role: 'status', text: '未发送，联网后自动重发' }));
        }
        scheduleRetry();
        return false;
      }
    }
    var retryTimer = null;
    function scheduleRetry() {
      if (retryTimer) return;
      retryTimer = setTimeout(flush, 4000);
    }
    async function flush() {
      retryTimer = null;
      if (state.busy) return scheduleRetry();
      state.busy = true;
      try {
        var list = outbox();
        for (var i = 0; i < list.length; i++) if (!(await deliverOne(list[i]))) break;
      } finally { state.busy = false; }
    }
    window.addEventListener('online', function () { flush(); });

    async function send(text, shownAs, faqId) {
      text = String(text || '').trim();
      if (!text) return;
      start();
      var msg = { text: text, faqId: faqId || null, clientId: newId().replace(/^web-/, 'm-'), shownAs: shownAs || text };
      pendingRows[msg.clientId] = customerSays(msg.shownAs);
      sentHere[msg.clientId] = true;
      saveOutbox(outbox().concat([msg]));
      if (state.busy) return scheduleRetry();
      state.busy = true;
      try { await deliverOne(msg); } finally { state.busy = false; }
    }

    async function restore() {
      // The conversation so far (a reload or a new tab), then what the outbox still holds.
      if (transport.history) {
        try {
          var past = await transport.history();
          past.turns.forEach(function (t) {
            if (t.role === 'customer') customerSays(t.text);
            else if (t.role === 'agent') agentSays(t.text, '');
            else botRow(t.type || 'answer', [h('div', { class: 'kefu-text' }, markdown(t.text))]);
          });
          if (past.mode === 'waiting') { state.mode = 'waiting'; state.waitingNoted = true; setStatus('正在为您转接人工客服', 'wait'); waiting(true); }
          if (past.mode === 'human') { state.mode = 'human'; setStatus('人工客服为您服务', 'human'); }
          state.unread = 0;
          badge.hidden = true;
        } catch (e) { /* a fresh start */ }
      }
      if (transport.connect) transport.connect();
      outbox().forEach(function (m) {
        if (sentHere[m.clientId]) return; // shown by the stream already
        sentHere[m.clientId] = true;
        pendingRows[m.clientId] = customerSays(m.shownAs || m.text);
      });
      if (outbox().length) flush();
    }

    function start() {
      if (state.started) return;
      state.started = true;
      botRow('greeting', [h('div', { class: 'kefu-text', text: o.greeting })]);
      restore();
      transport.ready.catch(function (e) {
        notice('客服暂时无法连接，请稍后再试', 'error');
        if (window.console) console.error('[kefu]', e);
      });
    }

    var phone = window.matchMedia ? window.matchMedia('(max-width: 480px)') : { matches: false };
    function open() {
      start();
      state.opened = true;
      state.unread = 0;
      badge.hidden = true;
      panel.hidden = false;
      host.setAttribute('data-open', '');
      launcher.setAttribute('aria-expanded', 'true');
      launcher.setAttribute('aria-label', '关闭在线客服');
      if (phone.matches) panel.setAttribute('aria-modal', 'true');
      scroll();
      setTimeout(function () { input.focus(); }, 0);
    }
    function close() {
      state.opened = false;
      panel.hidden = true;
      panel.removeAttribute('aria-modal');
      host.removeAttribute('data-open');
      launcher.setAttribute('aria-expanded', 'false');
      launcher.setAttribute('aria-label', '在线客服');
    }

    launcher.addEventListener('click', function () { (state.opened ? close : open)(); });
    closeBtn.addEventListener('click', function () { close(); launcher.focus(); });
    panel.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { close(); launcher.focus(); return; }
      // Full screen on a phone: Tab stays inside the panel (the page behind is covered).
      if (e.key === 'Tab' && phone.matches) {
        var f = Array.prototype.filter.call(panel.querySelectorAll('button, textarea, input, select, a[href], [tabindex="0"]'), function (x) { return !x.disabled && x.offsetParent !== null; });
        if (!f.length) return;
        var first = f[0], last = f[f.length - 1], active = root.activeElement || document.activeElement;
        if (e.shiftKey && active === first) { e.preventDefault(); last.focus(); }
        else if (!e.shiftKey && active === last) { e.preventDefault(); first.focus(); }
      }
    });
    input.addEventListener('keydown', function (e) {
      // Enter sends, Shift+Enter breaks the line; never while an IME is composing (isComposing, or keyCode 229 where it is not set).
      if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
    });
    input.addEventListener('input', function () {
      input.style.height = 'auto';
      input.style.height = Math.min(input.scrollHeight, 120) + 'px';
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var t = input.value;
      input.value = '';
      input.style.height = '';
      send(t);
    });

    var widget = {
      mode: o.mode,
      sessionId: sessionId,
      root: root,
      ready: transport.ready,
      open: open,
      close: close,
      ask: function (text) { open(); return send(text); },
      /** Local mode: the in-browser KefuBot (null until ready). Wire bot.agentReply/handback to your live chat. */
      get bot() { return transport.bot || null; },
      onReply: null,
      destroy: function () {
        if (transport.close) transport.close();
        host.remove();
        instances.splice(instances.indexOf(widget), 1);
      },
    };
    instances.push(widget);
    if (o.open) open();
    return widget;
  }

  window.KefuWidget = { mount: mount, instances: instances, HANDOFF_NOTICE: HANDOFF_NOTICE };

  if (script && !script.hasAttribute('data-manual')) {
    var d = script.dataset;
    var auto = function () {
      var opts = { mode: d.mode || 'local', open: 'open' in d && d.open !== 'false' };
      if (d.api) opts.apiBase = d.api;
      if (d.title) opts.title = d.title;
      if (d.greeting) opts.greeting = d.greeting;
      if (d.index) opts.indexUrl = new URL(d.index, BASE).href;
      if (d.bundle) opts.bundleUrl = new URL(d.bundle, BASE).href;
      if (d.preload === 'false') opts.preload = false;
      mount(opts);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', auto);
    else auto();
  }
})();
