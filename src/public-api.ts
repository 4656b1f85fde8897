/**
 * The API shared by the Node and browser entries, by allow-list: what a user of bots,
 * matchers, session and learning stores, `redact` and errors needs. Text-pipeline tools are
 * in `kefu/text`, Redis in `kefu/redis`. test/api/exports.test.ts pins this list.
 */
export { KefuError, KefuKnowledgeBaseError, formatProblem } from './errors.js';
export type { KefuErrorCode, KefuProblem, KefuProblemCode, KefuProblemLocation, KefuProblemSeverity } from './errors.js';
export type { KefuFaq, KnowledgeBase, KbFileInput, FaqInput, FaqPriority, KefuCategory } from './kb/schema.js';
export { knowledgeBaseFromObject } from './kb/from-object.js';
export type { KnowledgeBaseInput } from './kb/from-object.js';
export { KefuMatcher } from './match/matcher.js';
export type { KefuMatch, KefuCandidate, KefuMatcherOptions, KefuThresholds, KefuMatchExplanation, SerializedIndex } from './match/matcher.js';
export type { KefuSegmenter } from './text/segmenter.js';
export { KefuBot } from './bot/bot.js';
export { DEFAULT_MESSAGES } from './bot/types.js';
export type { KefuBotOptions, KefuBotInfo, KefuBotMessages, KefuReply, KefuAskOptions, KefuHandoffEvent, KefuBotEvents, HandoffReason, KefuSuggestion } from './bot/types.js';
export { MemorySessionStore } from './bot/session.js';
export { KefuQuestionError, DEFAULT_MAX_QUESTION_LENGTH } from './bot/question.js';
export type { KefuSession, KefuSessionStore, KefuTurn, KefuSessionMode, KefuPendingHandoff, MemorySessionStoreOptions } from './bot/session.js';
export type { KefuStats } from './bot/stats.js';
export type { SmallTalkKind, EmotionReading } from './bot/triggers.js';
export { KefuLearner, MemoryLearningStore } from './learn/learner.js';
export type { KefuCaptureRecord, KefuLearningItem, KefuLearningStore, KefuLearnerOptions, KefuCapture, KefuLearnReason, KefuLearnerEvents } from './learn/learner.js';
export { applyKbChange } from './learn/kb-change.js';
export type { KefuKbChange } from './learn/kb-change.js';
export { redact, REDACTION_LABELS } from './learn/redact.js';
export type { Redaction, RedactionKind } from './learn/redact.js';
export { findPersonalData, RECOGNISERS } from './learn/recognisers/index.js';
export type { PersonalDataKind, PersonalDataSpan, Recogniser } from './learn/recognisers/index.js';
// Tasks and entities (src/task/, src/entities/).
export { EntityExtractor, extractEntities } from './entities/index.js';
export type { KefuEntity, KefuEntitySettings } from './entities/index.js';
export type { KefuTaskInfo, KefuTaskStatus, KefuAction, KefuActionContext, KefuChoice, KefuChoiceProvider, KefuTaskOptions, KefuPurchaseIntentEvent } from './task/types.js';
export type { KefuTask, KefuTaskSlot } from './kb/schema.js';
// Semantic matching: bring your own sentence embedder (Node's createMatcher has a built-in one).
export type { Embedder } from './embed/embedder.js';
