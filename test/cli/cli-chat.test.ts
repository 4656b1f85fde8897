// kefu chat and learn, and the handoff example, as users run them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sampleKb, tempKb } from '../helpers';
import { kefu } from './kefu';

describe('kefu chat', () => {
  it('answers piped lines as one conversation; --json prints reply objects', () => {
    const r = kefu(['chat', sampleKb, '--json'], '你好\n怎么退货\n转人工\n');
    expect(r.code).toBe(0);
    const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(replies.map((x) => x.type)).toEqual(['small-talk', 'answer', 'handoff']);
    expect(replies[2].reason).toBe('explicit-request');
    expect(replies[0].text).toContain('示例商城');
  });
});

describe('kefu chat commands and handoff', () => {
  it('never swallows a message after a handoff; /agent plays the human, /bot hands back, /reset and /help work', () => {
    const r = kefu(['chat', sampleKb], '转人工\nhelp\n/agent\n您好，我是客服小王\n/bot\n怎么退货\n/reset\n/agent\n/foo\n/help\n');
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toContain('[handoff: explicit-request, normal]');
    expect(out).toMatch(/正在等待客服接入.*\/agent/); // 'help' typed while waiting: answered with what happens and how to go on
    expect(out).toContain('客服> 您好，我是客服小王');
    expect(out).toContain('人工客服已结束服务');
    expect(out).toContain('[return-apply');
    expect(out).toContain('（新对话）');
    expect(out).toContain('/agent 在机器人转人工之后可用');
    expect(out).toContain('未知命令 /foo');
    expect(out).toContain('/reset   start a new conversation');
    expect(out).not.toMatch(/\x1b\[/); // no colour when not on a terminal
  });
});

describe('examples/handoff.mjs', () => {
  it('plays a whole conversation with a handoff, an agent reply and a handback', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'examples/handoff.mjs')], { encoding: 'utf8', cwd: repoRoot, timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('[queue] u-42 needs a human: negative-emotion');
    expect(r.stdout).toContain('（机器人保持安静，消息已转给人工）');
    expect(r.stdout).toContain('[handback] u-42');
  });
});

describe('kefu learn', () => {
  it('chat --learn records what the bot could not answer, redacted and grouped; learn list/ignore review it', () => {
    const dir = tempKb({});
    const queue = path.join(dir, 'queue.jsonl');
    // two questions the sample KB does not cover (it has no jobs page), one with a phone number
    expect(kefu(['chat', sampleKb, '--learn', queue], '你们店招兼职吗\n兼职还招人吗，我电话13812345678\n').code).toBe(0);
    const list = kefu(['learn', 'list', sampleKb, '--learn', queue]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/×2 {2}(你们店招兼职吗|兼职还招人吗，我电话【手机号】)/);
    expect(readFileSync(queue, 'utf8')).not.toContain('13812345678');
    const id = JSON.parse(kefu(['learn', 'list', sampleKb, '--learn', queue, '--format', 'json']).stdout)[0].id;
    expect(kefu(['learn', 'ignore', sampleKb, id, '--learn', queue]).code).toBe(0);
    expect(kefu(['learn', 'list', sampleKb, '--learn', queue]).stdout).toContain('0 open groups');
    expect(kefu(['learn', 'frob', sampleKb, '--learn', queue]).code).toBe(2);
  });

  it('npm start writes nothing: no queue unless --learn is given', () => {
    const before = spawnSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).stdout;
    kefu(['chat', sampleKb], '今天天气怎么样\n');
    expect(spawnSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).stdout).toBe(before);
  });
});
