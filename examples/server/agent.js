// Agent console for the kefu example server. Vanilla JS; every customer/KB string goes into the
// page as text (textContent), never as HTML.
(function () {
  'use strict';
  var AGENT_ID = '客服小王';
  var REASONS = {
    'explicit-request': '顾客要求转人工',
    'repeated-failure': '机器人多次未能解答',
    'negative-emotion': '顾客情绪激动',
    'faq-flagged': '该问题需人工处理',
  };
  var PRIORITIES = { urgent: '紧急', high: '高', normal: '普通', low: '低' };
  var ROLES = { customer: '顾客', bot: '机器人', agent: '客服' };
  var REPLY_TYPES = { answer: '已回答', clarify: '追问', fallback: '未能回答', 'small-talk': '寒暄', handoff: '转人工', handback: '交回机器人' };

  var $ = function (id) { return document.getElementById(id); };
  function h(tag, props) {
    var el = document.createElement(tag);
    for (var k in props || {}) {
      var v = props[k];
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, String(v));
    }
    for (var i = 2; i < arguments.length; i++) if (arguments[i] != null && arguments[i] !== false) el.append(arguments[i]);
    return el;
  }
  function ago(ms) {
    var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (s < 60) return s + ' 秒';
    if (s < 3600) return Math.floor(s / 60) + ' 分钟';
    return Math.floor(s / 3600) + ' 小时';
  }
  function clock(ms) {
    var d = new Date(ms);
    return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0') + ':' + String(d.getSeconds()).padStart(2, '0');
  }
  function shortId(id) { return id.length > 14 ? id.slice(0, 6) + '…' + id.slice(-4) : id; }
  function emotionLabel(e) {
    if (!e || !e.intensity) return null;
    var level = e.intensity >= 0.75 ? '非常不满' : e.intensity >= 0.5 ? '不满' : '略有不满';
    return level + (e.cues && e.cues.length ? '（' + e.cues.slice(0, 3).join('、') + '）' : '');
  }

  var state = { sessions: [], selected: null, renderedTurns: '' };

  async function api(path, body) {
    var res = await fetch(path, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
    var data = await res.json().catch(function () { return {}; });
    if (!res.ok) throw new Error(data.error || 'HTTP ' + res.status);
    return data;
  }

  var refreshing = null;
  var again = false;
  function refresh() {
    if (refreshing) { again = true; return refreshing; }
    refreshing = api('/api/agent/queue').then(function (data) {
      state.sessions = data.sessions || [];
      render();
    }).catch(function (e) { console.error('[agent]', e); }).finally(function () {
      refreshing = null;
      if (again) { again = false; refresh(); }
    });
    return refreshing;
  }

  function render() {
    var list = $('sessions');
    list.replaceChildren();
    $('count').textContent = String(state.sessions.length);
    $('queue-empty').hidden = state.sessions.length > 0;
    if (state.selected && !state.sessions.some(function (s) { return s.sessionId === state.selected; })) state.selected = null;
    if (!state.selected && state.sessions.length) state.selected = state.sessions[0].sessionId;
    state.sessions.forEach(function (s) {
      var last = s.transcript.filter(function (t) { return t.role === 'customer'; }).pop();
      var emo = emotionLabel(s.emotion);
      var li = h('li', {
        class: 'session' + (s.sessionId === state.selected ? ' selected' : '') + (s.mode === 'waiting' ? ' waiting' : ''),
        'data-session-id': s.sessionId, tabindex: '0', role: 'button', 'aria-pressed': s.sessionId === state.selected ? 'true' : 'false',
        onclick: function () { select(s.sessionId); },
        onkeydown: function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(s.sessionId); } },
      },
        h('div', { class: 'session-top' },
          h('span', { class: 'prio prio-' + s.priority, text: PRIORITIES[s.priority] || s.priority }),
          h('span', { class: 'session-id', text: '访客 ' + shortId(s.sessionId) }),
          h('span', { class: 'status status-' + s.mode, text: s.mode === 'waiting' ? '排队中 ' + ago(s.requestedAt) : '接待中' })),
        h('div', { class: 'session-reason', text: REASONS[s.reason] || s.reason || '' }),
        last ? h('div', { class: 'session-last', text: last.text }) : null,
        emo ? h('div', { class: 'session-emotion', text: '情绪：' + emo }) : null);
      list.append(li);
    });
    renderDetail();
  }

  function select(id) {
    if (state.selected !== id) {
      state.selected = id;
      state.renderedTurns = '';
    }
    render();
    $('reply-text').focus();
  }

  function renderDetail() {
    var s = state.sessions.find(function (x) { return x.sessionId === state.selected; });
    $('detail').hidden = !s;
    $('placeholder').hidden = !!s;
    if (!s) return;
    $('conv-title').textContent = '访客 ' + shortId(s.sessionId);
    var meta = $('conv-meta');
    var emo = emotionLabel(s.emotion);
    meta.replaceChildren.apply(meta, [
      h('span', { class: 'prio prio-' + s.priority, text: '优先级 ' + (PRIORITIES[s.priority] || s.priority) }),
      h('span', { class: 'reason', text: REASONS[s.reason] || s.reason || '' }),
      h('span', { class: 'status status-' + s.mode, text: s.mode === 'waiting' ? '排队中 · 已等待 ' + ago(s.requestedAt) : '接待中' + (s.agentId ? ' · ' + s.agentId : '') }),
      h('span', { class: 'emotion' + (emo ? ' emotion-bad' : ''), text: '情绪：' + (emo || '平稳') }),
      s.channel ? h('span', { class: 'channel', text: '渠道：' + (s.channel === 'web' ? '网页' : s.channel) }) : null,
    ].filter(Boolean));

    // Re-render the transcript only when it changed (keeps the scroll position otherwise).
    var key = s.sessionId + ':' + s.transcript.map(function (t) { return t.id; }).join(',');
    if (key !== state.renderedTurns) {
      state.renderedTurns = key;
      var tr = $('transcript');
      tr.replaceChildren();
      s.transcript.forEach(function (t) {
        tr.append(h('div', { class: 'turn turn-' + t.role + (t.type === 'handoff' ? ' turn-handoff' : ''), 'data-role': t.role },
          h('div', { class: 'turn-meta', text: ROLES[t.role] + ' · ' + clock(t.at) + (t.type && t.role === 'bot' ? ' · ' + (REPLY_TYPES[t.type] || t.type) : '') }),
          h('div', { class: 'turn-text', text: t.text })));
      });
      tr.scrollTop = tr.scrollHeight;
    }

    var sug = $('suggestions');
    sug.replaceChildren();
    $('suggestions-empty').hidden = s.suggestions.length > 0;
    s.suggestions.forEach(function (x) {
      sug.append(h('li', { class: 'suggestion' },
        h('div', { class: 'suggestion-q' }, h('span', { text: x.question }), h('span', { class: 'conf', text: Math.round(x.confidence * 100) + '%' })),
        h('div', { class: 'suggestion-a', text: x.answer }),
        h('button', { type: 'button', class: 'btn btn-small', text: '使用', onclick: function () {
          var ta = $('reply-text');
          ta.value = x.answer;
          ta.focus();
        } })));
    });
    $('reply-hint').textContent = s.mode === 'waiting' ? '发送第一条回复即接入该会话' : '';
  }

  $('reply').addEventListener('submit', async function (e) {
    e.preventDefault();
    var ta = $('reply-text');
    var text = ta.value.trim();
    if (!text || !state.selected) return;
    $('reply-send').disabled = true;
    try {
      await api('/api/agent/reply', { sessionId: state.selected, text: text, agentId: AGENT_ID });
      ta.value = '';
      await refresh();
    } catch (err) {
      $('reply-hint').textContent = '发送失败：' + err.message;
    } finally {
      $('reply-send').disabled = false;
    }
  });
  $('reply-text').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('reply').requestSubmit();
    }
  });
  $('handback').addEventListener('click', async function () {
    if (!state.selected) return;
    try {
      await api('/api/agent/handback', { sessionId: state.selected });
      state.selected = null;
      await refresh();
    } catch (err) {
      $('reply-hint').textContent = '操作失败：' + err.message;
    }
  });

  // Live: Server-Sent Events, or polling where EventSource is missing.
  function live(text, st) {
    $('live-text').textContent = text;
    $('live').setAttribute('data-state', st);
  }
  var timer = null;
  function schedule() {
    if (!timer) timer = setTimeout(function () { timer = null; refresh(); }, 60);
  }
  if (window.EventSource) {
    var es = new EventSource('/api/agent/events?after=' + 0);
    es.onopen = function () { live('实时连接', 'open'); refresh(); };
    es.onerror = function () { live('重新连接中…', 'error'); };
    es.onmessage = schedule;
  } else {
    live('轮询', 'open');
    setInterval(refresh, 3000);
  }
  setInterval(function () { if (state.sessions.some(function (s) { return s.mode === 'waiting'; })) render(); }, 15000);
  refresh();
})();
