import type { Intent } from './knowledge.types';

/**
 * Commands in natural words. Each rule is an imperative or a request for the bot to DO something;
 * questions about a topic ("what training is there on domestic abuse?", "where is the escalation
 * policy?") are left to the guidance search.
 */
const EXACT: Record<string, Intent> = {
  help: 'help',
  menu: 'help',
  commands: 'help',
  '?': 'help',
  subscribe: 'subscribe',
  'sign up': 'subscribe',
  unsubscribe: 'unsubscribe',
  'my subscriptions': 'my-subscriptions',
  subscriptions: 'my-subscriptions',
  training: 'training',
  courses: 'training',
  'training sessions': 'training',
  'my training': 'my-training',
  'my bookings': 'my-training',
  bookings: 'my-training',
  survey: 'survey',
  'parent survey': 'survey',
  escalate: 'escalate',
  escalation: 'escalate',
  'my escalations': 'my-escalations',
  escalations: 'my-escalations',
};

const POLITE = /\b(?:please|pls|plz|thanks|thank you|cheers|ta)\b/g;
const NEWSLETTER = '(?:the\\s+)?(?:cscp\\s+|partnership\\s+|practitioner\\s+)?(?:newsletters?|digests?|updates|bulletins?|mailing list)';

const RULES: { intent: Intent; re: RegExp }[] = [
  { intent: 'help', re: /^(?:can you help(?: me)?|what are you for|what can (?:you|u|this bot) do|what do you do|how do (?:i|you) use (?:you|this bot|this)|what are your commands|show (?:me )?(?:the )?(?:help|commands|menu)|who are you|what is this bot)\b/ },
  {
    intent: 'unsubscribe',
    re: new RegExp(
      `\\b(?:unsubscribe|opt out|stop (?:sending|getting|receiving)|take me off|remove me from|cancel my subscription)\\b.*|\\bunsubscribe\\b|\\bi (?:no longer|don't|do not) want (?:to (?:get|receive) )?${NEWSLETTER}`,
    ),
  },
  { intent: 'my-subscriptions', re: /\b(?:am i (?:subscribed|signed up)|what am i subscribed to|(?:show|list|check) (?:me )?my subscriptions?|my subscriptions?)\b/ },
  {
    intent: 'subscribe',
    re: new RegExp(
      `\\b(?:sign me up|subscribe me|add me|put me on|(?:i(?:'d| would)? (?:like|want) to|can i|how (?:do|can) i|please) (?:subscribe|sign up|join|get|receive))\\b.*\\b${NEWSLETTER}\\b|^(?:please )?subscribe\\b|\\bsubscribe (?:me )?(?:to )?${NEWSLETTER}`,
    ),
  },
  { intent: 'my-training', re: /\b(?:my (?:training )?bookings?|my training|(?:what|which) (?:courses|sessions|training) (?:am i|have i) (?:booked|registered|signed up)|cancel my (?:booking|place)|am i booked)\b/ },
  {
    intent: 'training',
    re: /^(?:(?:can|could) (?:i|you)|i(?:'d| would)? (?:like|want) to|please|how (?:do|can) i)?\s*(?:book|register|sign up|enrol|reserve)\b.*\b(?:training|course|session|workshop|place)\b|\b(?:show|list|see) (?:me )?(?:the )?(?:upcoming |available |next )?(?:training|courses|sessions)\b|^(?:upcoming|available|next) (?:training|courses|sessions)\b|^(?:what|which|what's|whats|what is|any|are there any|is there any) ?(?:training|courses|sessions|training sessions|training courses) (?:(?:are|is) )?(?:coming up|upcoming|available|running|on offer)\b(?! (?:on|about|for|in|around)\b)|\bbook (?:me )?(?:on|onto|a place)\b/,
  },
  {
    intent: 'survey',
    re: /\b(?:send|share|give|get|need|want|have|show|forward)\b.*\b(?:parent|carer|family|families)?\s*(?:and |\/ ?)?(?:carer\s+)?survey\b.*\b(?:link|qr|code|card|url)\b|\bsurvey (?:link|qr|card|url)\b|\b(?:send|give|get|need|want|show)\b.*\b(?:link|qr(?: code)?|url)\b.*\bsurvey\b|\bshare\b.*\bsurvey\b.*\b(?:with|to)\b.*\b(?:family|families|parents?|carers?)\b|^(?:the )?(?:parent|parents|parent carer|parent and carer)(?:'s)? survey$/,
  },
  { intent: 'my-escalations', re: /\b(?:my escalations?|(?:status|progress) of my escalation|escalations? i (?:raised|made|opened)|check (?:on )?my escalation)\b/ },
  {
    intent: 'escalate',
    re: /^(?:(?:i|we)(?:'d| would)? (?:need|want|like|wish) to|(?:can|could|how do|how can) (?:i|we)|please|help me|let me)?\s*(?:escalate|raise an escalation|raise a (?:professional )?(?:disagreement|concern about a decision)|open (?:an|the) escalation|start an escalation|make an escalation)\b|^(?:open|start|show) (?:the )?escalation form\b/,
  },
];

/** Recognises a command written in natural words; undefined means "treat it as a question". */
export function detectIntent(text: string): Intent | undefined {
  const t = text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/<[^>]*>/g, ' ')
    .replace(/[!.,;:]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!t || t.length > 200) return undefined;
  const bare = t.replace(POLITE, '').replace(/\?+$/, '').replace(/\s+/g, ' ').trim();
  if (EXACT[bare]) return EXACT[bare];
  if (t === '?') return 'help';
  for (const { intent, re } of RULES) if (re.test(bare)) return intent;
  return undefined;
}
