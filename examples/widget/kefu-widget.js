/*!
 * kefu chat widget — vanilla JS, no framework, no build step.
 *
 *   <script src="/kefu/kefu-widget.js" data-mode="local" defer></script>
 *
 * Modes
 *   local  (default) loads vendor/kefu.browser.js + vendor/kb-index.json next to this file and
 *          answers in the browser: no server round-trip.
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
  function storedSessionId() {
    try {
      var id = sessionStorage.getItem('kefu-session');
      if (!id) sessionStorage.setItem('kefu-session', (id = newId()));
      return id;
    } catch (e) {
      return newId();
    }
  }

  // ── transports ─────────────────────────────────────────────────────────────
  /** In-browser matching with the kefu browser bundle. */
  function LocalTransport(opts, sessionId) {
    var self = this;
    this.bot = null;
    this.listeners = [];
    this.ready = (async function () {
      var mod = await import(opts.bundleUrl);
      var kb = opts.knowledgeBase;
      if (!kb) {
        var res = await fetch(opts.indexUrl);
        if (!res.ok) throw new Error('cannot load ' + opts.indexUrl + ': HTTP ' + res.status);
        kb = await res.json();
      }
      var bot = await mod.createBot(Object.assign({ knowledgeBase: kb }, opts.botOptions || {}));
      bot.on('agent-message', function (e) {
        if (e.sessionId === sessionId) self.emit({ type: 'agent-message', text: e.turn.text, agentId: e.agentId || null });
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
    this.ask = async function (text) {
      var bot = await self.ready;
      return bot.ask(text, { sessionId: sessionId, channel: 'web' });
    };
    this.feedback = async function (turnId, vote) {
      var bot = await self.ready;
      return bot.feedback(sessionId, turnId, vote);
    };
  }

  /** The example server (or yours): POST /api/ask, live events over SSE or polling. */
  function ServerTransport(opts, sessionId) {
    var self = this;
    var api = function (path) { return new URL(path, opts.apiBase || location.href).href; };
    var after = 0;
    this.listeners = [];
    this.ready = Promise.resolve();
    async function post(path, body) {
      var res = await fetch(api(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      var data = await res.json().catch(function () { return {}; });
      if (!res.ok) throw new Error(data.error || 'HTTP ' + res.status);
      return data;
    }
    this.ask = function (text) { return post('/api/ask', { sessionId: sessionId, text: text }); };
    this.feedback = function (turnId, vote) { return post('/api/feedback', { sessionId: sessionId, turnId: turnId, vote: vote }); };
    function deliver(ev) {
      if (!ev || typeof ev.seq !== 'number' || ev.seq <= after) return;
      after = ev.seq;
      self.emit(ev);
    }
    this.connect = function () {
      if (self.source || self.timer) return;
      var url = api('/api/events?sessionId=' + encodeURIComponent(sessionId));
      if (window.EventSource && !opts.poll) {
        // EventSource resends the last id (Last-Event-ID) when it reconnects.
        self.source = new EventSource(url + '&after=' + after);
        self.source.onmessage = function (m) {
          try { deliver(JSON.parse(m.data)); } catch (e) { /* ignore malformed */ }
        };
      } else {
        var poll = async function () {
          try {
            var res = await fetch(url + '&after=' + after, { headers: { accept: 'application/json' } });
            var data = await res.json();
            (data.events || []).forEach(deliver);
          } catch (e) { /* retry on the next tick */ }
        };
        self.timer = setInterval(poll, opts.pollMs || 2000);
        poll();
      }
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
      bundleUrl: BASE + 'vendor/kefu.browser.js',
      indexUrl: BASE + 'vendor/kb-index.json',
      cssUrl: BASE + 'kefu-widget.css',
      target: document.body,
      open: false,
    }, options || {});
    if (o.mode !== 'server') o.mode = 'local';
    var sessionId = o.sessionId || storedSessionId();
    var transport = o.mode === 'server' ? new ServerTransport(o, sessionId) : new LocalTransport(o, sessionId);

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
    var header = h('header', { class: 'kefu-header' },
      h('div', { class: 'kefu-avatar kefu-avatar-lg', 'aria-hidden': 'true', text: '客' }),
      h('div', { class: 'kefu-titles' }, h('div', { class: 'kefu-title', text: o.title }), h('div', { class: 'kefu-status' }, statusDot, statusText)),
      closeBtn);
    var log = h('div', { class: 'kefu-log', role: 'log', 'aria-live': 'polite', 'aria-label': '聊天记录' });
    var chips = h('div', { class: 'kefu-quick' });
    (o.quickQuestions || []).forEach(function (q) {
      chips.append(h('button', { type: 'button', class: 'kefu-chip', text: q, onclick: function () { send(q); } }));
    });
    var input = h('input', { class: 'kefu-input', type: 'text', maxlength: '500', placeholder: '请输入您的问题…', 'aria-label': '输入您的问题', autocomplete: 'off', enterkeyhint: 'send' });
    var sendBtn = h('button', { class: 'kefu-send', type: 'submit', 'aria-label': '发送' }, icon(ICONS.send, 18));
    var form = h('form', { class: 'kefu-form' }, input, sendBtn);
    var panel = h('section', { class: 'kefu-panel', role: 'dialog', 'aria-label': o.title, hidden: true },
      header, log, h('footer', { class: 'kefu-footer' }, chips, form, h('div', { class: 'kefu-powered', text: 'Powered by kefu' })));
    root.append(css, panel, launcher);
    (o.target || document.body).append(host);

    var state = { opened: false, started: false, busy: false, waitingNoted: false, unread: 0, mode: 'bot' };

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
    function agentSays(text, agentId) {
      var label = '人工客服' + (agentId ? ' · ' + agentId : '');
      addRow(h('div', { class: 'kefu-msg kefu-agent', 'data-type': 'agent' },
        h('div', { class: 'kefu-avatar kefu-avatar-agent', 'aria-hidden': 'true' }, icon(ICONS.agent, 16)),
        h('div', { class: 'kefu-stack' }, h('div', { class: 'kefu-from', text: label }), h('div', { class: 'kefu-bubble', text: text }))));
      if (!state.opened) {
        state.unread++;
        badge.textContent = String(state.unread);
        badge.hidden = false;
      }
    }
    function typing() {
      return addRow(h('div', { class: 'kefu-msg kefu-bot kefu-typing', 'aria-label': '对方正在输入' },
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

    function showReply(reply) {
      switch (reply.type) {
        case 'answer':
          botRow('answer', [h('div', { class: 'kefu-text', text: reply.text }), feedbackBar(reply)]);
          break;
        case 'clarify': {
          var lines = String(reply.text).split('\n');
          var lead = /^\d+\.\s/.test(lines[1] || '') ? lines[0] : reply.text;
          var list = h('div', { class: 'kefu-choices', role: 'group', 'aria-label': lead });
          (reply.candidates || []).slice(0, 3).forEach(function (c, i) {
            var btn = h('button', { type: 'button', class: 'kefu-choice', 'data-faq': c.id, onclick: function () {
              list.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
              btn.classList.add('kefu-chosen');
              send(String(i + 1), c.question); // the bot maps 1/2/3 to what it offered
            } }, h('span', { class: 'kefu-choice-n', text: String(i + 1) }), h('span', { text: c.question }));
            list.append(btn);
          });
          botRow('clarify', [h('div', { class: 'kefu-text', text: lead }), list]);
          break;
        }
        case 'handoff': {
          var t = String(reply.text);
          if (t.slice(-DEFAULT_HANDOFF_TEXT.length) === DEFAULT_HANDOFF_TEXT) t = t.slice(0, -DEFAULT_HANDOFF_TEXT.length).trim();
          if (t) botRow('handoff', [h('div', { class: 'kefu-text', text: t })]);
          notice(reply.delivered === false ? '转接请求已记录，客服会尽快联系您' : HANDOFF_NOTICE, 'handoff');
          state.mode = 'waiting';
          state.waitingNoted = true;
          setStatus('正在为您转接人工客服', 'wait');
          break;
        }
        case 'with-human':
          if (reply.waiting && !state.waitingNoted) {
            notice('消息已转达，人工客服接入后会马上回复您');
            state.waitingNoted = true;
          }
          break;
        default: // fallback, small-talk
          botRow(reply.type, [h('div', { class: 'kefu-text', text: reply.text })]);
          if (state.mode !== 'bot') {
            state.mode = 'bot';
            setStatus(o.subtitle);
          }
      }
    }

    transport.listeners.push(function (ev) {
      if (ev.type === 'agent-message') {
        if (state.mode !== 'human') notice('人工客服已接入');
        state.mode = 'human';
        setStatus('人工客服' + (ev.agentId ? ' ' + ev.agentId : '') + ' 为您服务', 'human');
        agentSays(ev.text, ev.agentId);
      } else if (ev.type === 'handback') {
        state.mode = 'bot';
        state.waitingNoted = false;
        notice('人工客服已结束服务');
        if (ev.text) botRow('handback', [h('div', { class: 'kefu-text', text: ev.text })]);
        setStatus(o.subtitle);
      } else if (ev.type === 'handoff-timeout') {
        state.mode = 'bot';
        state.waitingNoted = false;
        setStatus(o.subtitle);
      }
    });

    async function send(text, shownAs) {
      text = String(text || '').trim();
      if (!text || state.busy) return;
      start();
      customerSays(shownAs || text);
      state.busy = true;
      sendBtn.disabled = true;
      var dots = state.mode === 'bot' ? typing() : null;
      try {
        var reply = await transport.ask(text);
        if (dots) dots.remove();
        showReply(reply);
        if (widget.onReply) widget.onReply(reply);
      } catch (e) {
        if (dots) dots.remove();
        notice('网络开小差了，请稍后再试', 'error');
        if (window.console) console.error('[kefu]', e);
      } finally {
        state.busy = false;
        sendBtn.disabled = false;
      }
    }

    function start() {
      if (state.started) return;
      state.started = true;
      botRow('greeting', [h('div', { class: 'kefu-text', text: o.greeting })]);
      if (transport.connect) transport.connect();
      transport.ready.catch(function (e) {
        notice('客服暂时无法连接，请稍后再试', 'error');
        if (window.console) console.error('[kefu]', e);
      });
    }

    function open() {
      start();
      state.opened = true;
      state.unread = 0;
      badge.hidden = true;
      panel.hidden = false;
      host.setAttribute('data-open', '');
      launcher.setAttribute('aria-expanded', 'true');
      launcher.setAttribute('aria-label', '关闭在线客服');
      scroll();
      setTimeout(function () { input.focus(); }, 0);
    }
    function close() {
      state.opened = false;
      panel.hidden = true;
      host.removeAttribute('data-open');
      launcher.setAttribute('aria-expanded', 'false');
      launcher.setAttribute('aria-label', '在线客服');
    }

    launcher.addEventListener('click', function () { (state.opened ? close : open)(); });
    closeBtn.addEventListener('click', close);
    panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') { close(); launcher.focus(); } });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var t = input.value;
      input.value = '';
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
      mount(opts);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', auto);
    else auto();
  }
})();
