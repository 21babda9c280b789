/** One stored conversation reference: what every proactive message (digest, reminder, escalation) is sent to. */
export interface ConversationRecord {
  /** 'user' for a person's 1:1 chat with the bot; 'channel' for a team channel; 'group' for a group chat. */
  kind: 'user' | 'channel' | 'group';
  /** Row key: the person's Entra object id (or Teams user id when absent), or the conversation id. */
  key: string;
  conversationId: string;
  serviceUrl: string;
  tenantId?: string;
  channelId: string;
  aadObjectId?: string;
  userId?: string;
  name?: string;
  teamId?: string;
  /** Teams' kind of channel: private and shared channels have their own member lists. */
  channelType?: 'standard' | 'private' | 'shared';
  botId?: string;
  lastSeen: string;
}
