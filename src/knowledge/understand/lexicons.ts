/**
 * Lexical resources for the learned classifiers: each list names the signs of one *category* (a kind of
 * risk, a cue of immediacy, of a general question, of something over and done with). They are features,
 * not rules: a list hit only moves a message as far as the weights learned from the corpus say, and a
 * message with no hit can still be urgent by its words. Lists are written per category, never for one
 * message; when a held-back message is missed, the fix is more training messages of its kind.
 *
 * Phrases are matched on word stems, so "kicking" matches "kick". A phrase of several words matches
 * those words in order with nothing between them.
 */

/** Signs of each urgent risk category (the corpus protocol's `risk` values). */
export const RISK_LEXICON: Record<string, string[]> = {
  'physical-abuse': [
    'hit', 'hits', 'hitting', 'punch', 'punched', 'kick', 'kicked', 'slap', 'slapped', 'smack', 'smacked', 'beat', 'beaten', 'battered',
    'belt', 'strangle', 'strangled', 'choke', 'choked', 'throttle', 'bruise', 'bruising', 'bruised', 'black eye', 'burn marks', 'cigarette burn',
    'fracture', 'broken arm', 'broken wrist', 'bite marks', 'welts', 'marks on', 'thrown', 'threw him', 'threw her', 'shook', 'shake',
    'shaken', 'injury', 'injuries', 'injured', 'grabbed', 'dragged', 'pushed', 'stamped', 'whip', 'whipped', 'lash', 'wooden spoon', 'hurt',
  ],
  'sexual-abuse': [
    'touch', 'touched', 'touching', 'sexual', 'sexually', 'sex', 'rape', 'raped', 'private parts', 'privates', 'groped', 'molested',
    'in bed with', 'naked', 'nude', 'nudes', 'porn', 'pornography', 'explicit', 'masturbate', 'inappropriate', 'assault', 'assaulted',
    'abuse', 'abused', 'abusing', 'pregnant', 'sti', 'intimate', 'undress', 'undressed', 'secret game',
  ],
  'emotional-abuse': [
    'screaming at', 'shouting at', 'swearing at', 'threaten', 'threatened', 'threatening', 'worthless', 'humiliate', 'humiliated',
    'terrified', 'scared', 'frightened', 'afraid', 'petrified', 'locked in', 'locked in her room', 'locked in his room', 'wont let',
    'not allowed to eat', 'controlling', 'isolated', 'told she is', 'told he is', 'hates her', 'hates him', 'scared to go home',
    'doesnt want to go home', 'wont go home', 'not safe at home',
  ],
  'neglect-abandonment': [
    'left alone', 'home alone', 'on their own', 'on his own', 'on her own', 'by himself', 'by herself', 'no food', 'hungry', 'starving',
    'not fed', 'no heating', 'freezing', 'filthy', 'soiled', 'nappy', 'abandoned', 'left on', 'doorstep', 'no adult', 'nobody home',
    'no one home', 'unsupervised', 'dumped', 'not collected', 'nobody has collected', 'no one has collected', 'not picked up',
    'no one came', 'nobody came', 'newborn', 'left outside', 'left in', 'fending for', 'no electricity', 'no parent',
  ],
  'domestic-abuse-now': [
    'screaming', 'shouting', 'smashing', 'smashed', 'banging', 'fighting', 'attacking', 'attacked', 'domestic', 'dv', 'da', 'partner',
    'boyfriend', 'ex', 'violence', 'violent', 'row', 'glass breaking', 'hitting mum', 'hitting her mum', 'beating mum', 'next door',
    'police', 'strangling', 'kicking off', 'kicked off', 'going off', 'rowing', 'thrown out', 'kicked the door',
  ],
  'fgm-forced-marriage': [
    'fgm', 'cut', 'cutting', 'circumcision', 'circumcised', 'sunna', 'khatna', 'special procedure', 'become a woman', 'ceremony',
    'marriage', 'married', 'marry', 'wedding', 'husband', 'engaged', 'fiance', 'cousin', 'flight', 'flying', 'fly', 'plane', 'ticket',
    'tickets', 'abroad', 'holiday', 'trip', 'airport', 'back home', 'home country', 'pakistan', 'somalia', 'sudan', 'egypt', 'nigeria',
    'bangladesh', 'india', 'yemen', 'kenya', 'gambia', 'ethiopia', 'eritrea', 'sierra leone', 'passport', 'summer holidays',
  ],
  'honour-based-abuse': [
    'honour', 'shame', 'shamed', 'dishonour', 'dishonoured', 'disown', 'disowned', 'brothers', 'uncle', 'uncles', 'cousins',
    'family found out', 'found out about', 'different religion', 'boyfriend', 'girlfriend', 'gay', 'izzat', 'reputation', 'punish',
    'punished', 'kill her', 'kill him', 'kill me', 'watched', 'followed', 'confiscated', 'taken her phone',
  ],
  exploitation: [
    'older man', 'older men', 'older boys', 'older lads', 'older guy', 'older guys', 'older male', 'much older', 'gifts', 'new phone',
    'new trainers', 'designer', 'cash', 'money', 'county lines', 'running drugs', 'drugs', 'dealing', 'cuckoo', 'cuckooing',
    'picked up', 'cars', 'car', 'taxi', 'taxis', 'hotel', 'party', 'parties', 'flat', 'trap house', 'plugging', 'parcel', 'debt',
    'owes', 'groomed', 'grooming', 'going off with', 'getting in', 'overnight', 'drop off', 'line', 'shotter', 'ot', 'sleeping with',
    'exploited', 'exploitation', 'cse', 'cce', 'gang', 'gangs', 'bag', 'package',
  ],
  trafficking: [
    'trafficked', 'trafficking', 'passport taken', 'documents taken', 'brought into the country', 'brought over', 'doesnt speak english',
    'no english', 'working for', 'made to work', 'nail bar', 'car wash', 'cannabis farm', 'being moved', 'moved around', 'sold',
    'bondage', 'cant leave', 'not allowed to leave', 'unaccompanied', 'agent', 'smuggled', 'lorry', 'domestic servitude', 'modern slavery',
    'slavery', 'owes them', 'arrived', 'collected by',
  ],
  radicalisation: [
    'radicalised', 'radicalized', 'radicalisation', 'extremist', 'extremism', 'extreme', 'jihad', 'isis', 'islamic state', 'syria',
    'join the fight', 'fight for', 'far right', 'far-right', 'nazi', 'white power', 'attack', 'bomb', 'bombs', 'manifesto', 'martyr',
    'caliphate', 'turkey', 'travel to', 'propaganda', 'beheading', 'prevent', 'terror', 'terrorist', 'incel', 'mass shooting',
  ],
  missing: [
    'missing', 'not come home', 'not came home', 'hasnt come home', 'not back', 'didnt come home', 'never came home', 'not home',
    'run away', 'ran away', 'runaway', 'absconded', 'cant find', 'cannot find', 'cant locate', 'whereabouts', 'not returned',
    'hasnt returned', 'not been seen', 'no one knows where', 'nobody knows where', 'disappeared', 'vanished', 'not answering',
    'phone off', 'phone is off', 'not turned up', 'didnt turn up', 'not in school', 'gone off', 'still out', 'out all night',
  ],
  'self-harm-suicide': [
    'kill herself', 'kill himself', 'kill themselves', 'kill myself', 'end it', 'end it all', 'end her life', 'end his life',
    'suicide', 'suicidal', 'overdose', 'overdosed', 'od', 'tablets', 'pills', 'paracetamol', 'cut herself', 'cut himself', 'cutting',
    'cuts', 'slit', 'ligature', 'hang', 'hanging', 'noose', 'jump', 'jumping', 'bridge', 'railway', 'train line', 'roof',
    'dont want to be here', 'not want to be here', 'doesnt want to be here', 'want to die', 'wants to die', 'better off dead',
    'goodbye', 'note', 'self harm', 'selfharm', 'blade', 'razor', 'no point', 'not be around',
  ],
  'medical-emergency': [
    'not breathing', 'stopped breathing', 'struggling to breathe', 'cant breathe', 'breathing', 'unresponsive', 'wont wake',
    'cant wake', 'not waking', 'unconscious', 'passed out', 'collapsed', 'floppy', 'limp', 'blue', 'grey', 'pale', 'fitting', 'fit',
    'seizure', 'convulsing', 'choking', 'swallowed', 'bleach', 'battery', 'batteries', 'magnets', 'bleeding', 'blood', 'head injury',
    'fell', 'fallen', 'scald', 'scalded', 'allergic', 'anaphylaxis', 'rash', 'temperature', 'sepsis', 'vomiting', 'drowning',
    'drowned', 'ambulance', 'lips', 'eyes rolling', 'glazed', 'not responding', 'no pulse', 'cpr',
  ],
  'carer-unfit': [
    'drunk', 'smashed', 'wasted', 'hammered', 'slurring', 'stumbling', 'swaying', 'staggering', 'alcohol', 'booze', 'reeks', 'stinks',
    'smells of', 'high', 'stoned', 'off his face', 'off her face', 'off his head', 'off her head', 'out of it', 'on drugs', 'gouching',
    'nodding off', 'under the influence', 'barely stand', 'cant stand', 'drink', 'drinking', 'driving', 'drive', 'car', 'keys',
    'pick up', 'collect', 'collecting', 'take home', 'behind the wheel', 'in charge of', 'looking after', 'pram', 'pushchair', 'buggy',
    'spliff', 'weed', 'crack', 'heroin', 'ketamine', 'cocaine', 'vodka', 'cans',
  ],
  'alone-dangerous-place': [
    'balcony', 'window', 'windowsill', 'ledge', 'roof', 'road', 'motorway', 'ring road', 'traffic', 'river', 'canal', 'lake', 'pond',
    'water', 'pool', 'bath', 'car park', 'locked car', 'hot car', 'in the car', 'left in', 'alone', 'on his own', 'on her own',
    'by himself', 'by herself', 'wandering', 'street', 'railway', 'tracks', 'building site', 'fire', 'gas', 'matches', 'lighter',
    'knives', 'medicine', 'nappy', 'toddler', 'no adult', 'unsupervised', 'nobody with', 'no one with',
  ],
  weapon: [
    'knife', 'knives', 'blade', 'machete', 'zombie knife', 'gun', 'firearm', 'pistol', 'weapon', 'weapons', 'baseball bat', 'bat',
    'hammer', 'axe', 'acid', 'corrosive', 'stab', 'stabbed', 'stabbing', 'shoot', 'shooting', 'shot', 'knuckleduster', 'screwdriver',
    'rucksack', 'bag', 'waistband', 'sock',
  ],
  'online-grooming-meeting': [
    'online', 'snapchat', 'snap', 'instagram', 'insta', 'tiktok', 'whatsapp', 'discord', 'roblox', 'fortnite', 'minecraft', 'xbox',
    'app', 'game', 'gaming', 'met online', 'chatting to', 'talking to', 'messaging', 'messages', 'pictures', 'photos', 'nudes', 'webcam',
    'meet up', 'meeting', 'meet', 'going to meet', 'boyfriend', 'older guy', 'man', 'stranger', 'train station', 'station', 'bus station',
    'address', 'location',
  ],
};

/** Cues about time and stance, shared by every category. */
export const CUE_LEXICON: Record<string, string[]> = {
  /** It is happening now or within hours. */
  now: [
    'now', 'right now', 'just', 'just now', 'currently', 'at the moment', 'atm', 'tonight', 'today', 'this morning', 'this afternoon',
    'this evening', 'still', 'as we speak', 'immediately', 'asap', 'urgent', 'urgently', 'emergency', 'quick', 'quickly', 'minutes',
    'about to', 'going to', 'gonna', 'tomorrow', 'this weekend', 'saturday', 'sunday', 'friday', 'later', 'soon', 'in an hour',
    'on her way', 'on his way', 'waiting', 'outside', 'in the car park', 'at the gate', 'hasnt', 'wont', 'cant', 'help', 'what do i do',
    'what do we do', 'what should i do now', 'pls', 'please',
  ],
  /** A general question about a topic, not a report of what is happening. */
  generic: [
    'training', 'course', 'courses', 'e learning', 'elearning', 'policy', 'policies', 'procedure', 'procedures', 'guidance', 'guide',
    'toolkit', 'statistics', 'stats', 'figures', 'data', 'how many', 'number of', 'report', 'review', 'strategy', 'awareness', 'campaign',
    'leaflet', 'resource', 'resources', 'briefing', 'audit', 'subgroup', 'annual', 'newsletter', 'percentage', 'rates', 'trends',
    'research', 'learning', 'lessons', 'case study', 'spr', 'scr', 'partnership', 'cscp', 'pathway', 'referral form', 'threshold',
    'workshop', 'session', 'presentation', 'assembly', 'curriculum', 'lesson', 'pshe', 'poster', 'where can i find', 'is there a',
  ],
  /** A hypothetical or general "what should I do if…". */
  hypothetical: [
    'if', 'what if', 'suppose', 'should', 'when a child', 'when a young person', 'whenever', 'in general', 'generally', 'typically',
    'signs of', 'what are the signs', 'how to spot', 'spot', 'recognise', 'recognize', 'would', 'could', 'hypothetically', 'scenario',
    'best practice', 'how do we', 'how do i', 'how should', 'what happens when', 'what is the process',
  ],
  /** Something over and done with, the child safe now. */
  past: [
    'last year', 'last term', 'last month', 'last week', 'previously', 'years ago', 'months ago', 'in the past', 'historic', 'historical',
    'used to', 'back then', 'safe now', 'is safe', 'fine now', 'doing well', 'doing ok', 'recovered', 'resolved', 'closed', 'discharged',
    'was', 'had been', 'a while ago', 'already dealt', 'been dealt with', 'back in school', 'back at school', 'now settled',
  ],
  /** A particular child in front of the person. */
  specific: [
    'my pupil', 'my student', 'a pupil', 'one of my', 'one of our', 'a boy', 'a girl', 'in my class', 'in my group', 'my son',
    'my daughter', 'the baby', 'this baby', 'the child', 'this child', 'the kid', 'this kid', 'the boy', 'the girl', 'lad', 'he', 'she',
    'her', 'him', 'his', 'hes', 'shes', 'toddler', 'newborn', 'infant', 'yr old', 'year old', 'years old', 'foster', 'my foster',
    'on my caseload', 'on my books', 'my client', 'young person', 'yp', 'twins', 'siblings', 'brother', 'sister',
  ],
};

/**
 * The grammar of asking the bot to do something, for the command classifier: who is asking for themselves,
 * verbs of acting on the person's behalf, words that ask for information instead, and the things each
 * command acts on. Categories, not wordings: the weights come from the corpus.
 */
export const REQUEST_LEXICON: Record<string, string[]> = {
  self: ['me', 'my', 'i', 'im', 'ive', 'id', 'mine', 'myself', 'us', 'our', 'we', 'u', 'you', 'ur'],
  act: [
    'sign', 'sign up', 'add', 'put', 'send', 'give', 'book', 'register', 'enrol', 'enroll', 'join', 'remove', 'take off', 'stop', 'cancel',
    'show', 'list', 'check', 'get', 'speak', 'talk', 'raise', 'escalate', 'subscribe', 'unsubscribe', 'share', 'forward', 'opt out',
    'unsub', 'sub', 'want', 'need', 'can i', 'could i', 'can you', 'could you', 'please', 'pls', 'plz', 'let me', 'i would like', 'id like',
    'am i', 'have i', 'did i', 'do i have', 'update', 'status', 'progress', 'chase', 'follow up',
  ],
  info: [
    'what is', 'what are', 'what was', 'what were', 'who', 'how does', 'how do they', 'how many', 'how often', 'how much', 'when', 'why',
    'which', 'does the', 'is the', 'are the', 'explain', 'tell me about', 'what does', 'what did', 'where is', 'where are', 'is there',
    'are there', 'policy', 'guidance', 'report', 'partnership', 'annual', 'evaluate', 'evaluation', 'attendance', 'figures', 'how is',
  ],
  newsletter: ['newsletter', 'newsletters', 'updates', 'update', 'bulletin', 'bulletins', 'mailing list', 'emails', 'email', 'digest', 'list', 'news', 'inbox'],
  training: ['training', 'course', 'courses', 'session', 'sessions', 'workshop', 'booking', 'bookings', 'booked', 'place', 'places', 'e learning', 'level 3', 'cpd'],
  survey: ['survey', 'feedback', 'views', 'view', 'questionnaire', 'have their say', 'say', 'voices', 'opinion', 'form', 'parents', 'carers', 'grandparent', 'families'],
  escalation: ['escalate', 'escalation', 'escalations', 'disagree', 'disagreement', 'challenge', 'decision', 'person', 'someone', 'human', 'somebody', 'complaint', 'dispute', 'raised', 'logged'],
  bot: ['you', 'this bot', 'bot', 'this thing', 'this app', 'commands', 'options', 'menu', 'help', 'what can', 'how does this work', 'are you'],
};

/**
 * The first words of a question (for the command gate: "what…", "can…", "is there…" open questions and
 * requests alike, so the gate learns how much each says, with the other evidence).
 */
export const QUESTION_OPENERS: string[] = ['what', 'who', 'when', 'where', 'why', 'how', 'which', 'is', 'are', 'does', 'do', 'can', 'could', 'should'];

/**
 * Words that lean on what was said before, for the follow-up classifier: continuations ("and…", "what
 * about…") and words that point back ("it", "they", "that one").
 */
export const FOLLOW_UP_LEXICON: Record<string, string[]> = {
  continues: ['and', 'but', 'so', 'ok', 'okay', 'also', 'then', 'what about', 'how about', 'and what', 'and how', 'and who', 'and when', 'and where', 'is that', 'are they', 'does that', 'do they', 'what else', 'anything else', 'after that', 'next', 'still'],
  points: ['it', 'its', 'they', 'them', 'their', 'that', 'this', 'those', 'these', 'there', 'he', 'she', 'him', 'her', 'his', 'one', 'ones', 'same', 'such', 'above', 'former', 'latter'],
};

/** Words of a question that asks what comes next ("what happens after that?"): a reranker feature with the passages after the previous answer's. */
export const SEQUENCE_LEXICON: Record<string, string[]> = {
  next: ['after', 'after that', 'afterwards', 'next', 'then', 'what happens', 'follow', 'followed', 'following', 'outcome', 'result', 'once', 'later', 'subsequently', 'step', 'steps'],
};
