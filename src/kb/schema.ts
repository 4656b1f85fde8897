import { z } from 'zod';

/**
 * The knowledge-base file format. Every file is YAML or JSON with these top-level keys;
 * all but `faqs` are KB-wide settings that may live in any file (they are merged).
 * `kefu schema` prints the JSON Schema generated from this, for editor autocompletion.
 */

const text = (what: string) =>
  z
    .string({ error: `expected ${what} (a string)` })
    .refine((s) => s.trim().length > 0, { message: `${what} must not be empty` });

/** FAQ ids: stable, unique across the KB, safe in URLs and file names. */
export const FaqIdSchema = z
  .string({ error: 'expected an id (a string such as "return-apply")' })
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._:-]*$/u, {
    message: 'an id is letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
  })
  .describe('Unique, stable id of the FAQ across the whole knowledge base, e.g. "return-apply".');

export const PrioritySchema = z
  .enum(['low', 'normal', 'high', 'urgent'])
  .describe('Handoff priority passed to the agent queue.');

export const FaqSchema = z
  .strictObject({
    id: FaqIdSchema,
    question: text('question').describe('The standard question, shown in "did you mean" lists.'),
    similar: z
      .array(text('similar question'))
      .optional()
      .describe('Other ways customers ask the same thing. The more, the better the matching.'),
    answer: z
      .union([text('answer'), z.array(text('answer variant')).min(1, 'answer variants must not be empty')], {
        error: 'expected an answer: a non-empty string, or a list of variants',
      })
      .describe('The reply. A list gives variants, one chosen per reply. May use {variables}.'),
    category: z.string().optional().describe('Category id, e.g. "after-sales". Declared in `categories` or free.'),
    keywords: z
      .array(text('keyword'))
      .optional()
      .describe('Distinctive terms of this FAQ: weighted up in matching and kept whole by the segmenter.'),
    required: z
      .array(text('required term'))
      .optional()
      .describe('Terms a question must contain for this FAQ to answer; "a|b" means either. All entries must match.'),
    patterns: z
      .array(text('pattern'))
      .optional()
      .describe('Templates such as "(怎么|如何) 退货": elements in order, gaps allowed; (a|b) alternatives; @term a synonym group.'),
    handoff: z
      .union([z.boolean(), z.literal('offer')])
      .optional()
      .describe('Operational question: true answers then hands over to a human; "offer" answers and offers to.'),
    priority: PrioritySchema.optional(),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Confidence this FAQ needs to be answered directly (overrides the bot-wide answer threshold).'),
    tags: z.array(z.string()).optional().describe('Free labels for reporting.'),
  })
  .describe('One FAQ entry.');

export const CategorySchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  handoff: z.union([z.boolean(), z.literal('offer')]).optional().describe('Default handoff flag of its FAQs.'),
  priority: PrioritySchema.optional(),
});

export const ThresholdsSchema = z
  .strictObject({
    answer: z.number().min(0).max(1).optional().describe('Answer directly at or above this confidence.'),
    clarify: z.number().min(0).max(1).optional().describe('Offer "did you mean" at or above this; below, fall back.'),
  })
  .describe('Decision thresholds on the calibrated confidence (0..1).');

/** Slot names are identifiers: templates use them as {orderNumber}. */
const SlotNameSchema = z.string().regex(/^[A-Za-z_][\w]*$/, 'a slot name is letters, digits or _, starting with a letter or _ (templates use it as {name})');

export const TaskSlotSchema = z
  .strictObject({
    entity: text('entity type').describe('What fills the slot: a built-in entity (order-number, tracking-number, mobile, phone, email, date, time, amount, count, size, color, product) or one of `entities.custom`.'),
    ask: text('ask').describe('The question asking for it, e.g. 请提供订单号。'),
    validate: z
      .strictObject({
        pattern: z.string().optional().describe('Regular expression the value must match (whole value).'),
        values: z.array(z.string()).optional().describe('Allowed values.'),
        min: z.number().optional().describe('Smallest allowed number (amount, count).'),
        max: z.number().optional().describe('Largest allowed number (amount, count).'),
        future: z.boolean().optional().describe('Dates: not before today.'),
        message: z.string().optional().describe('Why a value was refused, said before asking again.'),
      })
      .optional(),
    optional: z.boolean().optional().describe('Not asked for; filled only when the customer gives it.'),
  })
  .describe('One value a task needs before its action can run.');

const templates = (what: string) =>
  z.union([text(what), z.array(text(`${what} variant`)).min(1, `${what} variants must not be empty`)], {
    error: `expected ${what}: a non-empty string, or a list of variants`,
  });

export const TaskSchema = z
  .strictObject({
    id: FaqIdSchema,
    question: text('question').describe('The standard request, e.g. 我的快递到哪了. Matched like an FAQ question.'),
    similar: z.array(text('similar question')).optional(),
    patterns: z.array(text('pattern')).optional().describe('Templates, as for FAQs.'),
    keywords: z.array(text('keyword')).optional(),
    category: z.string().optional(),
    slots: z.record(SlotNameSchema, TaskSlotSchema).optional().describe('What the action needs, asked for in this order.'),
    action: text('action name').describe('Name of the host\'s action: createBot({ actions: { <name>: async (slots, ctx) => result } }).'),
    answer: templates('answer').describe('Said when the action succeeds; {slot} and {result.field} are filled in.'),
    refused: templates('refusal').optional().describe('Said when the action returns { refused: … } (a business rule said no); default {result.reason}.'),
    next: FaqIdSchema.optional().describe('A task offered after a refusal; a yes starts it with the same slot values (cancel → start-return).'),
    confirm: text('confirmation question').optional().describe('For irreversible actions: asked before running it, e.g. 确认取消订单{orderNumber}吗？'),
    faq: FaqIdSchema.optional().describe('The how-to FAQ this task stands in for: questions they share go to the task when the host gives its action, to the FAQ otherwise; that FAQ asked with a slot value (查一下SO…的物流) starts the task.'),
    onError: z
      .union([z.literal('handoff'), text('apology')])
      .optional()
      .describe('When the action throws or times out: "handoff" (default) hands over with the task and slots, or an apology text.'),
  })
  .describe('A multi-turn task: matched like an FAQ, then slots are collected and the host\'s action runs.');

export const EntitySettingsSchema = z
  .strictObject({
    orderNumber: z.string().optional().describe('Regular expression of this shop\'s order numbers (replaces the default).'),
    trackingNumber: z.string().optional().describe('Regular expression of tracking numbers (replaces the default).'),
    sizes: z.array(text('size')).optional(),
    colors: z.array(text('colour')).optional(),
    products: z.array(text('product')).optional().describe('Product names (their synonym groups add aliases); found products mark buying intent.'),
    custom: z
      .record(
        z.string().regex(/^[a-z][\w-]*$/, 'a custom entity type is lower-case letters, digits, _ or -'),
        z.strictObject({
          values: z.union([z.array(text('value')), z.record(z.string(), z.array(text('alias')))]).optional(),
          pattern: z.string().optional(),
        }),
      )
      .optional()
      .describe('Own entity types: a list of values (or value → aliases), or a pattern.'),
  })
  .describe('Entity extraction settings for task slots.');

export const PurchaseSettingsSchema = z
  .strictObject({
    answer: text('answer').optional().describe('Said to a buying question no FAQ answers; may use {link}.'),
    link: z.string().optional().describe('Where buyers go (order page, product page).'),
  })
  .describe('Buying intent (有货吗, 我要买两件): the bot emits `purchase-intent`; these settings add a reply.');

export const KbFileSchema = z
  .strictObject({
    faqs: z.array(FaqSchema, { error: 'expected `faqs` to be a list of FAQ entries' }).optional(),
    synonyms: z
      .array(z.array(text('synonym')).min(2, 'a synonym group needs at least two terms'))
      .optional()
      .describe('Synonym groups; the first term of each is canonical, e.g. [退货, 退回去, 退掉].'),
    vocabulary: z.array(text('vocabulary word')).optional().describe('Domain words the segmenter keeps whole.'),
    stopwords: z.array(text('stop word')).optional().describe('Extra words ignored when matching.'),
    categories: z.array(CategorySchema).optional(),
    thresholds: ThresholdsSchema.optional(),
    variables: z
      .record(z.string().regex(/^\w+$/, 'a variable name is letters, digits or _'), z.string())
      .optional()
      .describe('Default values of {variables} used in answers, e.g. { shopName: 示例商店 }; the bot may override them.'),
    tasks: z.array(TaskSchema, { error: 'expected `tasks` to be a list of task entries' }).optional(),
    entities: EntitySettingsSchema.optional(),
    followUps: z.boolean().optional().describe('Read short follow-ups (那运费呢) in the context of the last answer. Default true.'),
    purchase: PurchaseSettingsSchema.optional(),
  })
  .describe('A kefu knowledge-base file.');

export type FaqInput = z.input<typeof FaqSchema>;
export type KbFileInput = z.input<typeof KbFileSchema>;
export type KbFileData = z.output<typeof KbFileSchema>;
export type FaqPriority = z.output<typeof PrioritySchema>;
export type KefuCategory = z.output<typeof CategorySchema>;

/** A validated FAQ, as the matcher and bot see it. */
export interface KefuFaq {
  id: string;
  question: string;
  similar: string[];
  answer: string | string[];
  category?: string;
  keywords?: string[];
  required?: string[];
  patterns?: string[];
  handoff?: boolean | 'offer';
  priority?: FaqPriority;
  threshold?: number;
  tags?: string[];
  /** Where it was defined, when loaded from files. */
  source?: { file: string; line?: number; fields?: Record<string, number> };
  /** Set on the matcher entry of a task (same id): matching it starts the task instead of answering. */
  task?: string;
}

export type KefuTaskSlot = z.output<typeof TaskSlotSchema>;
export type KefuEntitySettingsInput = z.output<typeof EntitySettingsSchema>;
export type KefuPurchaseSettings = z.output<typeof PurchaseSettingsSchema>;
/** A validated task (its matcher entry is in `faqs`, with `task` set). */
export type KefuTask = z.output<typeof TaskSchema> & { source?: { file: string; line?: number } };

/** A whole, validated knowledge base: the merge of all its files. */
export interface KnowledgeBase {
  faqs: KefuFaq[];
  synonyms: string[][];
  vocabulary: string[];
  stopwords: string[];
  categories: KefuCategory[];
  thresholds: { answer?: number; clarify?: number };
  variables?: Record<string, string>;
  tasks?: KefuTask[];
  entities?: KefuEntitySettingsInput;
  followUps?: boolean;
  purchase?: KefuPurchaseSettings;
}

/** Words with a meaning in test case files, so no FAQ may use them as its id. */
export const RESERVED_IDS = ['clarify', 'fallback', 'handoff', 'purchase-intent'] as const;

/** The JSON Schema of a KB file, for editors (yaml-language-server, VS Code `json.schemas`). */
export function knowledgeBaseJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(KbFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $id: 'https://unpkg.com/kefu/schema/kb.schema.json',
    title: 'kefu knowledge-base file',
    ...schema,
  };
}
