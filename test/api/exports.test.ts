// The public API is an allow-list: these tests pin every name each entry exports, values and
// types alike (read by the TypeScript compiler from the entry's source), so that nothing
// becomes public by accident. Changing a list here is changing kefu's API.
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers';

const ENTRIES = { root: 'src/index.ts', browser: 'src/browser.ts', redis: 'src/redis/index.ts', server: 'src/server/index.ts', text: 'src/text/node.ts', textBrowser: 'src/text/index.ts' } as const;
type Entry = keyof typeof ENTRIES;

const SHARED = {
  values: ['DEFAULT_MESSAGES', 'KefuBot', 'KefuError', 'KefuKnowledgeBaseError', 'KefuLearner', 'KefuMatcher', 'MemoryLearningStore', 'MemorySessionStore', 'REDACTION_LABELS', 'applyKbChange', 'createBot', 'createMatcher', 'formatProblem', 'knowledgeBaseFromObject', 'redact',
    // redaction recognisers (h18) and entity extraction for task slots (issue 15)
    'findPersonalData', 'RECOGNISERS', 'EntityExtractor', 'extractEntities',
    // the question length limit (issue 18)
    'DEFAULT_MAX_QUESTION_LENGTH', 'KefuQuestionError'],
  types: ['EmotionReading', 'FaqInput', 'KefuErrorCode', 'FaqPriority', 'HandoffReason', 'KbFileInput', 'KefuAskOptions', 'KefuBotEvents', 'KefuBotMessages', 'KefuBotOptions', 'KefuCandidate', 'KefuCapture', 'KefuCaptureRecord', 'KefuCategory', 'KefuFaq', 'KefuHandoffEvent', 'KefuKbChange', 'KefuLearnReason', 'KefuLearnerEvents', 'KefuLearnerOptions', 'KefuLearningItem', 'KefuLearningStore', 'KefuMatch', 'KefuMatchExplanation', 'KefuMatcherOptions', 'KefuPendingHandoff', 'KefuProblem', 'KefuProblemCode', 'KefuProblemLocation', 'KefuProblemSeverity', 'KefuReply', 'KefuSegmenter', 'KefuSession', 'KefuSessionMode', 'KefuSessionStore', 'KefuStats', 'KefuSuggestion', 'KefuThresholds', 'KefuTurn', 'KnowledgeBase', 'KnowledgeBaseInput', 'MemorySessionStoreOptions', 'Redaction', 'RedactionKind', 'SerializedIndex', 'SmallTalkKind',
    'PersonalDataKind', 'PersonalDataSpan', 'Recogniser',
    'KefuEntity', 'KefuEntitySettings', 'KefuTaskInfo', 'KefuTaskStatus', 'KefuAction', 'KefuActionContext', 'KefuChoice', 'KefuChoiceProvider', 'KefuTaskOptions', 'KefuPurchaseIntentEvent', 'KefuTask', 'KefuTaskSlot',
    'Embedder', 'KefuBotInfo'],
};
const TEXT = {
  values: ['DEFAULT_SMALL_TALK', 'FeatureExtractor', 'IntlSegmenter', 'SynonymTable', 'asksForHuman', 'detectSmallTalk', 'normalize', 'pinyinSyllables', 'readEmotion', 'toPinyin'],
  types: ['EmotionReading', 'KefuSegmenter', 'SmallTalkKind'],
};

const EXPECTED: Record<Entry, { values: string[]; types: string[] }> = {
  root: {
    values: [...SHARED.values, 'JsonlLearningStore', 'addFaq', 'addSimilarQuestions', 'approveLearningItem', 'loadEmbedder', 'loadKnowledgeBase', 'readKnowledgeBase'],
    types: [...SHARED.types, 'EmbedderChoice', 'EmbeddingInfo', 'EmbedProgress', 'KefuApproval', 'KefuApproveOptions', 'KefuBotCreateOptions', 'KefuNodeMatcherOptions', 'LoadedEmbedder', 'ReadKbResult', 'SegmenterChoice'],
  },
  browser: { values: SHARED.values, types: [...SHARED.types, 'KefuBrowserBotOptions'] },
  redis: {
    values: ['KbSync', 'KefuRedis', 'RedisLearningStore', 'RedisSessionStore', 'connectRedis'],
    types: ['KbSyncOptions', 'KefuRedisEvents', 'KefuRedisOptions', 'KefuStoreEvents', 'RedisSessionStoreOptions'],
  },
  text: { values: [...TEXT.values, 'JiebaSegmenter', 'loadSegmenter', 'loadSegmenterSync'], types: [...TEXT.types, 'SegmenterChoice', 'SegmenterInfo'] },
  server: {
    values: ['AgentAuth', 'FileLiveStore', 'FileSessionStore', 'MemoryLiveStore', 'RedisLiveStore', 'compareEventIds', 'createKefuServer', 'hashAgentSecret', 'listen', 'loadAgentsFile', 'nodeListener', 'verifyAgentSecret'],
    types: ['AgentAuthOptions', 'KefuAgent', 'KefuLeftMessage', 'KefuLiveEvent', 'KefuLiveStore', 'KefuRequestInfo', 'KefuServer', 'KefuServerEvents', 'KefuServerOptions', 'ListenOptions'],
  },
  textBrowser: TEXT,
};

let exported: Record<Entry, { values: string[]; types: string[] }>;

beforeAll(() => {
  const files = Object.values(ENTRIES).map((f) => path.join(repoRoot, f));
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  exported = {} as typeof exported;
  for (const [entry, file] of Object.entries(ENTRIES) as [Entry, string][]) {
    const source = program.getSourceFile(path.join(repoRoot, file))!;
    const symbols = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
    const values: string[] = [];
    const types: string[] = [];
    for (const s of symbols) {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      (target.flags & ts.SymbolFlags.Value ? values : types).push(s.name);
    }
    exported[entry] = { values: values.sort(), types: types.sort() };
  }
});

describe('public API', () => {
  for (const entry of Object.keys(ENTRIES) as Entry[]) {
    it(`${entry} (${ENTRIES[entry]}) exports exactly its allow-list`, () => {
      expect(exported[entry]).toEqual({ values: [...EXPECTED[entry].values].sort(), types: [...EXPECTED[entry].types].sort() });
    });
  }

  it('keeps internals out of every entry', () => {
    const all = Object.values(exported).flatMap((e) => [...e.values, ...e.types]);
    for (const name of ['writeFileAtomic', 'withFileLock', 'redactUrl', 'applyCapture', 'ABLATIONS', 'CALIBRATION_SIGNALS', 'fitCalibration']) expect(all).not.toContain(name);
  });

  it('package.json maps each subpath to a built entry', async () => {
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { exports: Record<string, unknown> };
    expect(Object.keys(pkg.exports)).toEqual(['.', './browser', './redis', './text', './server', './kb.schema.json', './package.json']);
    expect(JSON.stringify(pkg.exports['./text'])).toContain('./dist/text-browser.js');
  });
});
