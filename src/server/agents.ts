/**
 * Who the agents are and how they prove it. Either one shared token (`KEFU_AGENT_TOKEN`; the
 * console then asks for a display name) or an agents file whose secrets are stored hashed
 * with scrypt:
 *
 *   # agents.yaml — make a hash with `kefu serve --hash-secret` (reads the secret on stdin)
 *   agents:
 *     - id: wang
 *       name: 客服小王
 *       secret: scrypt$16384$8$1$<salt base64>$<hash base64>
 *
 * Agents send `Authorization: Bearer <id>:<secret>` (file) or `Bearer <token>` (shared token,
 * with the display name in `X-Kefu-Agent-Name`).
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KefuError } from '../errors.js';

export interface KefuAgent {
  id: string;
  name: string;
}

interface AgentRecord extends KefuAgent {
  secret: string;
}

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scryptAsync(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))));
}

/**
 * The form an agents file stores a secret in.
 * @example
 * const line = await hashAgentSecret('correct horse battery staple'); // 'scrypt$16384$8$1$…$…'
 */
export async function hashAgentSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyAgentSecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const want = Buffer.from(parts[5], 'base64');
  const got = await scryptAsync(secret, salt, n, r, p);
  return got.length === want.length && timingSafeEqual(got, want);
}

const agentsFileSchema = z.object({
  agents: z
    .array(
      z.object({
        id: z.string().regex(/^[\w.-]{1,40}$/, 'id: 1–40 letters, digits, _ . -'),
        name: z.string().min(1).max(40),
        secret: z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'secret must be a hash made by `kefu serve --hash-secret`, never the secret itself'),
      }),
    )
    .min(1),
});

/** Read and check an agents file (YAML or JSON); errors name the file and the field. */
export async function loadAgentsFile(path: string): Promise<AgentRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new KefuError('bad-agents-file', `kefu: cannot read agents file ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new KefuError('bad-agents-file', `kefu: ${path} is not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = agentsFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KefuError('bad-agents-file', `kefu: ${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const a of parsed.data.agents) {
    if (ids.has(a.id)) throw new KefuError('bad-agents-file', `kefu: ${path}: agent id "${a.id}" appears twice`);
    ids.add(a.id);
  }
  return parsed.data.agents;
}

export interface AgentAuthOptions {
  /** One token shared by all agents (they name themselves). */
  token?: string;
  /** Agents with hashed secrets (`loadAgentsFile`). */
  agents?: AgentRecord[];
}

/** Checks credentials; a verified credential is remembered (by its SHA-256) for 10 minutes, so scrypt runs once per login, not per request. */
export class AgentAuth {
  private readonly byId: Map<string, AgentRecord>;
  private readonly verified = new Map<string, { agent: KefuAgent; until: number }>();
  private readonly token?: Buffer;

  constructor(options: AgentAuthOptions) {
    if (!options.token && !options.agents?.length) {
      throw new KefuError('no-agent-credentials', 'kefu: the agent console needs credentials: set KEFU_AGENT_TOKEN or pass --agents FILE');
    }
    if (options.token && options.token.length < 16) throw new KefuError('weak-agent-token', 'kefu: KEFU_AGENT_TOKEN must be at least 16 characters');
    this.token = options.token ? Buffer.from(options.token) : undefined;
    this.byId = new Map((options.agents ?? []).map((a) => [a.id, a]));
  }

  get agents(): KefuAgent[] {
    return [...this.byId.values()].map(({ id, name }) => ({ id, name }));
  }

  /** The agent a request's Authorization header proves, or undefined. */
  async check(authorization: string | null, nameHeader: string | null): Promise<KefuAgent | undefined> {
    const m = /^Bearer ([\x21-\x7e]{1,300})$/.exec(authorization ?? '');
    if (!m) return undefined;
    const cred = m[1];
    if (this.token) {
      const given = Buffer.from(cred);
      if (given.length === this.token.length && timingSafeEqual(given, this.token)) {
        const name = (nameHeader ? decodeHeader(nameHeader) : '').trim().slice(0, 40) || '客服';
        return { id: `token:${createHash('sha256').update(name).digest('hex').slice(0, 12)}`, name };
      }
    }
    const colon = cred.indexOf(':');
    const record = colon > 0 ? this.byId.get(cred.slice(0, colon)) : undefined;
    if (!record) return undefined;
    const key = createHash('sha256').update(cred).digest('base64');
    const hit = this.verified.get(key);
    if (hit && hit.until > Date.now()) return hit.agent;
    if (!(await verifyAgentSecret(cred.slice(colon + 1), record.secret))) return undefined;
    const agent = { id: record.id, name: record.name };
    this.verified.set(key, { agent, until: Date.now() + 10 * 60_000 });
    if (this.verified.size > 1000) this.verified.delete(this.verified.keys().next().value!);
    return agent;
  }
}

/** Display names travel percent-encoded (headers are Latin-1). */
function decodeHeader(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return '';
  }
}
