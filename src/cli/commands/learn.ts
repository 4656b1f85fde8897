import { KefuLearner } from '../../learn/learner.js';
import { JsonlLearningStore } from '../../node/learning-file-store.js';
import type { KefuRedis } from '../../redis/index.js';
import { COMMON, defineCommand, UsageError, type OptionValues } from '../command.js';
import { loadMatcher } from '../shared.js';
import { approveLearningItem, type KefuApproval } from '../tools/learn-review.js';

const help = `Usage: kefu learn list <kb> (--learn <queue.jsonl> | --redis <url>) [--format text|json]
       kefu learn ignore <kb> <item-id> (--learn <queue.jsonl> | --redis <url>)
       kefu learn approve <kb> <item-id> (--learn <queue.jsonl> | --redis <url>) --faq <faq-id>
       kefu learn approve <kb> <item-id> (--learn …) --new-id <id> --answer <text> --file <kb-file> [--category c]

--redis <url> [--redis-prefix kefu:] reviews the queue that bot processes share in Redis
(kefu/redis); an approval is also published there, and running bots that sync the KB
answer the learned question at once.

The learning queue: questions the bot fell back or clarified on, handed over after
failures or anger, down-voted answers, and agent replies after a handoff — personal data
redacted, similar questions grouped with a count. 'ignore' drops a group for good
(questions like it are no longer recorded). 'approve' writes the group's questions into
the KB: as similar questions of an existing FAQ (in the file that defines it), or as a new
FAQ in the file you name; comments and formatting of YAML files are kept, writes are
atomic and locked against other writers. Fill the queue with 'kefu chat --learn' or
createBot({ learner }).

Example:
  kefu learn list knowledge-base --learn learn/queue.jsonl`;

const options = {
  ...COMMON,
  learn: { type: 'string' },
  redis: { type: 'string' },
  'redis-prefix': { type: 'string' },
  format: { type: 'string' },
  faq: { type: 'string' },
  'new-id': { type: 'string' },
  answer: { type: 'string' },
  file: { type: 'string' },
  category: { type: 'string' },
} as const;

export default defineCommand({
  name: 'learn',
  synopsis: 'learn list|approve|ignore <kb>',
  summary: 'review questions the bot could not answer',
  help,
  options,
  async run(values, positionals) {
    const [action, kb, id] = positionals;
    if (action !== 'list' && action !== 'ignore' && action !== 'approve') throw new UsageError(`kefu learn: expected list, approve or ignore, not ${JSON.stringify(action ?? '')}\n\n${help}`);
    if (!kb) throw new UsageError(`missing <kb>\n\n${help}`);
    if (!values.learn === !values.redis) throw new UsageError(`give one queue: --learn <queue.jsonl> or --redis <url>\n\n${help}`);
    // Only an approval needs the FAQs' file locations, which a cached index does not keep;
    // list and ignore reuse the index `kefu chat` built (~2.5 s CPU instead of a ~7 s build).
    const matcher = await loadMatcher(kb, values, { cache: action !== 'approve' });
    const redis = values.redis ? await (await import('../../redis/index.js')).connectRedis(values.redis, { prefix: values['redis-prefix'] }) : undefined;
    try {
      const store = redis ? redis.learningStore() : new JsonlLearningStore(values.learn as string);
      return await review(new KefuLearner(matcher, { store }), action, kb, id, values, redis);
    } finally {
      await redis?.close();
    }
  },
});

async function review(learner: KefuLearner, action: 'list' | 'ignore' | 'approve', kb: string, id: string | undefined, values: OptionValues<typeof options>, redis?: KefuRedis): Promise<number> {
  if (action === 'approve') {
    if (!id) throw new UsageError(`missing <item-id>\n\n${help}`);
    let approval: KefuApproval;
    if (values.faq) approval = { faqId: values.faq };
    else if (values['new-id'] && values.answer && values.file) approval = { newFaq: { id: values['new-id'], answer: values.answer, category: values.category }, file: values.file };
    else throw new UsageError(`approve needs --faq <faq-id>, or --new-id, --answer and --file\n\n${help}`);
    const { file, questions } = await approveLearningItem(learner, id, kb, approval, { publish: redis && ((c) => redis.publishKbChange(c)) });
    console.log(`✓ ${id} → ${'faqId' in approval ? approval.faqId : approval.newFaq.id} in ${file}: ${questions.length} question${questions.length === 1 ? '' : 's'} added${redis ? ` (published to ${redis.url})` : ''}`);
    return 0;
  }
  if (action === 'ignore') {
    if (!id) throw new UsageError(`missing <item-id>\n\n${help}`);
    await learner.ignore(id);
    console.log(`✓ ignored ${id}`);
    return 0;
  }
  const items = await learner.list();
  if (values.format === 'json') {
    console.log(JSON.stringify(items, null, 2));
    return 0;
  }
  for (const i of items) {
    const near = i.nearest[0] ? `  nearest: ${i.nearest[0].id} (${i.nearest[0].confidence.toFixed(2)})` : '';
    console.log(`${i.id}  ×${i.count}  ${i.text}${near}`);
    for (const v of i.variants.slice(1, 4)) console.log(`      ×${v.count}  ${v.text}`);
    for (const a of i.agentReplies.slice(0, 1)) console.log(`      agent: ${a}`);
  }
  console.log(`${items.length} open group${items.length === 1 ? '' : 's'}`);
  return 0;
}
