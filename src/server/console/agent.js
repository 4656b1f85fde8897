/*
 * kefu agent console. The open conversation changes only when the agent picks one: events
 * refresh the lists and the open transcript, never what is open. Every string from a
 * customer goes in as text, never HTML.
 */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var state = { cred: null, name: '', me: null, openId: null, lastEventId: null, stream: null, typingAt: 0 };

  function el(tag, props, children) {
    var e = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === 'text') e.textContent = props[k];
      else if (k === 'class') e.className = props[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), props[k]);
      else if (props[k] != null) e.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) { if (c) e.append(c); });
    return e;
  }

  function headers(extra) {
    var h = Object.assign({ authorization: 'Bearer ' + state.cred }, extra || {});
    if (state.name) h['x-kefu-agent-name'] = encodeURIComponent(state.name);
    return h;
  }

  async function api(path, body) {
    var init = { headers: headers(body ? { 'content-type': 'application/json' } : {}) };
    if (body) { init.method = 'POST'; init.body = JSON.stringify(body); }
    var res = await fetch(path, init);
    var data = await res.json().catch(function () { return {}; });
    if (res.status === 401) { logout('登录已失效，请重新登录'); throw new Error('unauthorized'); }
    if (!res.ok) { var err = new Error(data.error || 'HTTP ' + res.status); err.status = res.status; err.data = data; throw err; }
    return data;
  }

  // ── login ──────────────────────────────────────────────────────────────
  async function login(cred, name) {
    state.cred = cred;
    state.name = name || '';
    try {
      state.me = await api('/api/agent/me');
    } catch (e) {
      state.cred = null;
      $('login-error').textContent = e.message === 'unauthorized' ? '账号或密码不正确' : '无法连接服务器：' + e.message;
      return;
    }
    sessionStorage.setItem('kefu-agent', JSON.stringify({ cred: cred, name: state.name }));
    $('me').textContent = '当前客服：' + state.me.name;
    $('login-view').hidden = true;
    $('desk').hidden = false;
    $('logout').hidden = false;
    fillTransfer();
    refresh();
    loadMessages();
    listen();
  }
  function logout(why) {
    sessionStorage.removeItem('kefu-agent');
    if (state.stream) state.stream.abort();
    state.cred = state.me = state.openId = null;
    $('desk').hidden = true;
    $('logout').hidden = true;
    $('login-view').hidden = false;
    $('me').textContent = '';
    $('login-error').textContent = why || '';
  }
  $('login').addEventListener('submit', function (e) {
    e.preventDefault();
    login($('cred').value.trim(), $('display').value.trim());
  });
  $('logout').addEventListener('click', function () { logout(); });

  // ── lists ──────────────────────────────────────────────────────────────
  var PRIO = { urgent: '紧急', high: '优先', normal: '', low: '' };
  function item(c) {
    var label = (PRIO[c.priority] ? '【' + PRIO[c.priority] + '】' : '') + (c.lastMessage || '（无消息）');
    var btn = el('button', { type: 'button', class: 'item', 'data-session': c.sessionId, 'aria-current': c.sessionId === state.openId ? 'true' : 'false', onclick: function () { openConversation(c.sessionId); } }, [
      el('span', { class: 'prio-' + c.priority, text: label }),
      el('small', { text: c.sessionId.slice(0, 10) + ' · ' + waitText(c.requestedAt) }),
    ]);
    return el('li', {}, [btn]);
  }
  function waitText(at) {
    var s = Math.max(0, Math.round((Date.now() - at) / 1000));
    return s < 60 ? '等待 ' + s + ' 秒' : '等待 ' + Math.round(s / 60) + ' 分钟';
  }
  var refreshing = null;
  function refresh() {
    if (refreshing) return refreshing;
    refreshing = api('/api/agent/queue').then(function (q) {
      $('mine').replaceChildren.apply($('mine'), q.mine.map(item));
      $('queue').replaceChildren.apply($('queue'), q.waiting.map(item));
      $('queue-count').textContent = String(q.waiting.length);
    }).catch(function () {}).finally(function () { refreshing = null; });
    return refreshing;
  }
  async function loadMessages() {
    var data = await api('/api/agent/messages').catch(function () { return { messages: [] }; });
    $('msgs-count').textContent = String(data.messages.length);
    $('msgs').replaceChildren.apply($('msgs'), data.messages.map(function (m) {
      return el('li', { class: 'item' }, [el('span', { text: m.text }), el('small', { text: '联系方式：' + m.contact + ' · ' + new Date(m.at).toLocaleString() })]);
    }));
  }
  function fillTransfer() {
    var sel = $('transfer-to');
    var opts = [el('option', { value: '', text: '退回排队' })];
    (state.me.agents || []).forEach(function (a) { if (a.id !== state.me.id) opts.push(el('option', { value: a.id, text: a.name })); });
    sel.replaceChildren.apply(sel, opts);
  }

  // ── the open conversation ──────────────────────────────────────────────
  var WHO = { customer: '顾客', bot: '机器人', agent: '客服' };
  async function openConversation(id) {
    state.openId = id;
    $('chat-error').textContent = '';
    document.querySelectorAll('.item[data-session]').forEach(function (b) { b.setAttribute('aria-current', b.getAttribute('data-session') === id ? 'true' : 'false'); });
    await loadConversation();
    $('reply-text').focus();
  }
  async function loadConversation() {
    var id = state.openId;
    if (!id) return;
    var c;
    try { c = await api('/api/agent/conversation?sessionId=' + encodeURIComponent(id)); } catch (e) { $('chat-error').textContent = e.message; return; }
    if (id !== state.openId) return; // the agent opened another meanwhile
    $('chat-title').textContent = '会话 ' + id.slice(0, 10);
    $('chat-meta').textContent = (c.claim ? '接待：' + c.claim.agentName : '等待接待') + (c.reason ? ' · 原因：' + c.reason : '') + (c.rating ? ' · 评分：' + c.rating.score + ' 星' : '');
    $('actions').hidden = c.mode === 'bot';
    $('claim').hidden = c.mineToAnswer;
    $('transfer').hidden = $('transfer-to').hidden = $('handback').hidden = !c.mineToAnswer;
    document.querySelector('label[for="transfer-to"]').hidden = !c.mineToAnswer;
    $('reply').hidden = !c.mineToAnswer;
    var t = $('transcript');
    t.replaceChildren.apply(t, c.transcript.map(function (m) {
      return el('li', { class: m.role }, [el('span', { class: 'who', text: WHO[m.role] || m.role }), el('span', { text: m.text })]);
    }));
    t.lastElementChild && t.lastElementChild.scrollIntoView({ block: 'nearest' });
    var s = $('suggestions');
    s.replaceChildren.apply(s, c.suggestions.map(function (x) {
      return el('li', { class: 'item' }, [
        el('strong', { text: x.question }),
        el('p', { class: 'answer', text: x.answer }),
        el('button', { type: 'button', text: '填入回复', 'aria-label': '填入回复：' + x.question, onclick: function () { $('reply-text').value = x.answer; $('reply-text').focus(); } }),
      ]);
    }));
  }
  function showError(e) {
    $('chat-error').textContent = e.status === 409 && e.data && e.data.agent ? '该会话已由 ' + e.data.agent + ' 接待（' + e.message + '）' : e.message;
  }
  async function act(path, body) {
    $('chat-error').textContent = '';
    try { var r = await api(path, body); } catch (e) { showError(e); refresh(); return null; }
    await Promise.all([refresh(), loadConversation()]);
    return r;
  }
  $('claim').addEventListener('click', function () { act('/api/agent/claim', { sessionId: state.openId }); });
  $('transfer').addEventListener('click', function () {
    var to = $('transfer-to').value;
    act('/api/agent/transfer', to ? { sessionId: state.openId, to: to } : { sessionId: state.openId });
  });
  $('handback').addEventListener('click', function () { act('/api/agent/handback', { sessionId: state.openId }); });

  var box = $('reply-text');
  box.addEventListener('keydown', function (e) {
    // Enter sends; never while an IME is composing (keyCode 229 for browsers that do not set isComposing).
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      $('reply').requestSubmit();
    }
  });
  box.addEventListener('input', function () {
    if (!state.openId || Date.now() - state.typingAt < 2500) return;
    state.typingAt = Date.now();
    api('/api/agent/typing', { sessionId: state.openId }).catch(function () {});
  });
  $('reply').addEventListener('submit', async function (e) {
    e.preventDefault();
    var text = box.value.trim();
    if (!text || !state.openId) return;
    var r = await act('/api/agent/reply', { sessionId: state.openId, text: text });
    if (r) { box.value = ''; state.typingAt = 0; }
  });

  // ── live events (fetch, so the credentials go in a header, not the URL) ──
  function onEvent(ev) {
    if (ev.type === 'left-message') loadMessages();
    refresh();
    if (ev.sessionId && ev.sessionId === state.openId) loadConversation();
  }
  async function listen() {
    var ac = new AbortController();
    state.stream = ac;
    for (;;) {
      try {
        var h = headers({ accept: 'text/event-stream' });
        if (state.lastEventId) h['last-event-id'] = state.lastEventId;
        var res = await fetch('/api/agent/events', { headers: h, signal: ac.signal });
        if (res.status === 401) return logout('登录已失效，请重新登录');
        if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
        var reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        var buf = '';
        for (;;) {
          var chunk = await reader.read();
          if (chunk.done) break;
          buf += chunk.value;
          var frames = buf.split('\n\n');
          buf = frames.pop();
          frames.forEach(function (f) {
            var id = /^id: (.*)$/m.exec(f);
            var data = /^data: (.*)$/m.exec(f);
            if (id) state.lastEventId = id[1];
            if (data) { try { onEvent(JSON.parse(data[1])); } catch (err) { /* ignore */ } }
          });
        }
      } catch (e) {
        if (ac.signal.aborted) return;
      }
      await new Promise(function (r) { setTimeout(r, 2000); });
      if (ac.signal.aborted) return;
      refresh();
    }
  }
  setInterval(function () { if (state.me) refresh(); }, 15000);

  var saved = sessionStorage.getItem('kefu-agent');
  if (saved) { try { var s = JSON.parse(saved); login(s.cred, s.name); } catch (e) { /* ignore */ } }
})();
