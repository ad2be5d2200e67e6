// GENERATED from the server’s OpenAPI document (/docs/json) by web/scripts/gen-api-types.ts. DO NOT EDIT.
// Regenerate with `npx tsx web/scripts/gen-api-types.ts`; test/e2e/web-api-types.test.ts fails when it drifts.

export interface Schemas {
  ApiKey: {
    id: string;
    prefix: string;
    user: {
      id: string;
      email: string;
    };
    createdAt: string;
    lastUsedAt: string | null;
    revokedAt: string | null;
  };
  ApprovalPolicy: {
    approvers:
      | {
          kind: 'role';
        }
      | {
          kind: 'named';
          userIds: Array<string>;
        }
      | {
          kind: 'manager';
        };
    selfApproveInternal: boolean;
    selfApproveExternal: boolean;
    expiryHours: number;
    eligibleApprovers: Array<{
      userId: string;
      email: string;
      displayName: string | null;
    }>;
  };
  AuditEntry: {
    id: string;
    createdAt: string;
    actor: string;
    action: string;
    targetType: string | null;
    targetId: string | null;
    details: {
      [key: string]: {
        [key: string]: unknown;
      };
    };
  };
  CalendarEventView: {
    id: string;
    calendarId: string | null;
    subject: string;
    start: string;
    end: string;
    timeZone: string;
    isAllDay: boolean;
    showAs: string;
    sensitivity: string;
    isCancelled: boolean;
    customerId: string | null;
    origin: string;
    changeKey: string | null;
    alsoIn?: Array<{
      id: string;
      calendarId: string | null;
      calendarName: string | null;
      ownerEmail: string | null;
      isShared: boolean;
    }>;
    [key: string]: unknown;
  };
  CalendarFeedStatus: {
    active: boolean;
    prefix: string | null;
    createdAt: string | null;
    lastFetchedAt: string | null;
  };
  Customer: {
    id: string;
    name: string;
    domains: Array<string>;
    subjectPatterns: Array<string>;
    stakeholders: Array<{
      id: string;
      customerId: string;
      email: string;
      name: string | null;
      role: string | null;
    }>;
    createdAt: string;
    updatedAt: string;
  };
  CustomerMeeting: {
    id: string;
    userId: string;
    calendarId: string | null;
    onSharedCalendar: boolean;
    subject: string;
    start: string;
    end: string;
    isAllDay: boolean;
    isCancelled: boolean;
    eventType: string;
    ownResponse: string;
    organizer: {
      email: string;
      name: string | null;
    } | null;
    attendees: Array<{
      email: string;
      name: string | null;
      type: string;
      response: string;
    }>;
    customer: {
      customerId: string | null;
      reason: string | null;
      confidence: number | null;
      manual: boolean;
      candidates: Array<{
        customerId: string;
        reason: string;
        confidence: number;
        evidence: Array<string>;
        matchedAttendees: Array<string>;
        matchedStakeholders: Array<string>;
        matchedPatterns: Array<{
          kind: string;
          value: string;
        }>;
      }>;
    };
  };
  CustomerMetrics: {
    customerId: string;
    asOf: string;
    windows: Array<{
      days: number;
      from: string;
      to: string;
      meetings: number;
      totalMinutes: number;
      averageMinutes: number | null;
      medianDaysBetween: number | null;
      invitedCustomerAttendees: number;
      acceptedCustomerAttendees: number;
      attendanceRate: number | null;
      cancelled: number;
      declined: number;
      stakeholdersMet: number;
      executivesMet: number;
      executiveMeetings: number;
      previousMeetings: number;
      change: number;
      changeRatio: number | null;
    }>;
    lastMeeting: {
      meetingId: string;
      start: string;
    } | null;
    nextMeeting: {
      meetingId: string;
      start: string;
    } | null;
    weekly: Array<{
      weekStart: string;
      meetings: number;
      minutes: number;
      cancelled: number;
      declined: number;
      stakeholdersMet: number;
    }>;
  };
  DataJob: {
    id: string;
    kind: 'tenant_deletion' | 'user_deletion';
    state: 'queued' | 'running' | 'done' | 'failed';
    stepsDone: number;
    stepsTotal: number;
    step: string | null;
    result: {
      [key: string]: number;
    };
    errorCode: string | null;
    attempts: number;
    createdAt: string;
    updatedAt: string;
    finishedAt: string | null;
  };
  DirectoryPerson: {
    email: string;
    name: string | null;
    kind: 'colleague' | 'directory' | 'stakeholder';
    customerId: string | null;
    customerName: string | null;
    role: string | null;
    jobTitle: string | null;
  };
  DirectoryProviderSource: {
    status: 'ok' | 'not_connected' | 'reconnect_required' | 'scope_missing' | 'timeout' | 'unavailable' | 'unsupported';
    provider: 'MICROSOFT' | 'GOOGLE' | (null | null);
    missingScope: string | null;
    connectUrl: string | null;
  };
  ErrorResponse: {
    error: {
      code: string;
      message: string;
      details?: {
        [key: string]: {
          [key: string]: unknown;
        };
      };
      requestId: string;
    };
  };
  Proposal: {
    id: string;
    kind: string;
    status: string;
    customerId: string | null;
    meetingId: string | null;
    createdBy: string | null;
    decidedBy: string | null;
    decidedAt: string | null;
    expiresAt: string;
    error: string | null;
    decisionReason?: string | null;
    createdAt: string;
    preview: {
      subject: string;
      bodyHtml: string;
      teams: boolean;
      room: string | null;
      start: string;
      end: string;
      attendees: Array<{
        email: string;
        timeZone: string | null;
        localStart: string | null;
        [key: string]: unknown;
      }>;
      [key: string]: unknown;
    };
    approvers?: Array<{
      userId: string;
      email: string;
      displayName: string | null;
    }>;
    approval?: {
      rule: 'role' | 'named' | 'manager';
      fallback: boolean;
      organizerMayApprove: boolean;
    };
    result: {
      meetingId: string | null;
      providerEventId: string | null;
      joinUrl: string | null;
      action: string;
    } | null;
  };
  Template: {
    id: string;
    key: string | null;
    name: string;
    subjectTemplate: string;
    bodyHtml: string;
    durationMinutes: number;
    attendeeRoles: Array<string>;
    onlineMeeting: boolean | null;
    reminderMinutes: number | null;
    createdAt: string;
    updatedAt: string;
  };
  User: {
    id: string;
    email: string;
    displayName: string | null;
    role: 'member' | 'approver' | 'admin';
    status: 'invited' | 'active' | 'deactivated';
  };
  WebhookConnectionConnectedEvent: {
    deliveryId: string;
    eventId: string;
    type: 'connection.connected';
    tenantId: string;
    occurredAt: string;
    connection: {
      id: string;
      userId: string;
      provider: 'MICROSOFT' | 'GOOGLE';
      reason: string | null;
    };
  };
  WebhookConnectionDisconnectedEvent: {
    deliveryId: string;
    eventId: string;
    type: 'connection.disconnected';
    tenantId: string;
    occurredAt: string;
    connection: {
      id: string;
      userId: string;
      provider: 'MICROSOFT' | 'GOOGLE';
      reason: string | null;
    };
  };
  WebhookConnectionNeedsReauthEvent: {
    deliveryId: string;
    eventId: string;
    type: 'connection.needs_reauth';
    tenantId: string;
    occurredAt: string;
    connection: {
      id: string;
      userId: string;
      provider: 'MICROSOFT' | 'GOOGLE';
      reason: string | null;
    };
  };
  WebhookCustomerHealthChangedEvent: {
    deliveryId: string;
    eventId: string;
    type: 'customer.health_changed';
    tenantId: string;
    occurredAt: string;
    customerId: string;
    previousScore: number;
    score: number;
    trend: string;
    factors: Array<{
      name: string;
      value: number | null;
      contribution: number;
    }>;
  };
  WebhookDelivery: {
    id: string;
    endpointId: string;
    eventId: string;
    eventType: string;
    status: 'pending' | 'sending' | 'sent' | 'failed';
    attempts: number;
    lastStatusCode: number | null;
    lastError: string | null;
    lastAttemptAt: string | null;
    nextRetryAt: string | null;
    replayOf: string | null;
    createdAt: string;
    sentAt: string | null;
  };
  WebhookEndpoint: {
    id: string;
    url: string;
    description: string;
    eventTypes: Array<string>;
    enabled: boolean;
    secretRotatedAt: string;
    createdAt: string;
    updatedAt: string;
  };
  WebhookMeetingCancelledEvent: {
    deliveryId: string;
    eventId: string;
    type: 'meeting.cancelled';
    tenantId: string;
    occurredAt: string;
    meeting: {
      id: string;
      userId: string;
      calendarId: string | null;
      subject: string;
      start: string;
      end: string;
      isCancelled: boolean;
      eventType: string | null;
      iCalUId: string | null;
    };
    customer: {
      id: string;
      detectionReason: string | null;
      confidence: number | null;
    } | null;
    removed: boolean;
  };
  WebhookMeetingCreatedEvent: {
    deliveryId: string;
    eventId: string;
    type: 'meeting.created';
    tenantId: string;
    occurredAt: string;
    meeting: {
      id: string;
      userId: string;
      calendarId: string | null;
      subject: string;
      start: string;
      end: string;
      isCancelled: boolean;
      eventType: string | null;
      iCalUId: string | null;
    };
    customer: {
      id: string;
      detectionReason: string | null;
      confidence: number | null;
    } | null;
  };
  WebhookMeetingUpdatedEvent: {
    deliveryId: string;
    eventId: string;
    type: 'meeting.updated';
    tenantId: string;
    occurredAt: string;
    meeting: {
      id: string;
      userId: string;
      calendarId: string | null;
      subject: string;
      start: string;
      end: string;
      isCancelled: boolean;
      eventType: string | null;
      iCalUId: string | null;
    };
    customer: {
      id: string;
      detectionReason: string | null;
      confidence: number | null;
    } | null;
  };
  WebhookProposalApprovedEvent: {
    deliveryId: string;
    eventId: string;
    type: 'proposal.approved';
    tenantId: string;
    occurredAt: string;
    proposal: {
      id: string;
      kind: string;
      status: string;
      subject: string;
      start: string;
      end: string;
      organizer: {
        userId: string;
        email: string | null;
      };
      customerId: string | null;
      notifiesExternal: boolean;
      expiresAt: string;
      url: string;
    };
    decidedBy: {
      userId: string;
    };
    result: {
      meetingId: string | null;
      providerEventId: string | null;
      joinUrl: string | null;
    } | null;
  };
  WebhookProposalCreatedEvent: {
    deliveryId: string;
    eventId: string;
    type: 'proposal.created';
    tenantId: string;
    occurredAt: string;
    proposal: {
      id: string;
      kind: string;
      status: string;
      subject: string;
      start: string;
      end: string;
      organizer: {
        userId: string;
        email: string | null;
      };
      customerId: string | null;
      notifiesExternal: boolean;
      expiresAt: string;
      url: string;
    };
    approvers: Array<{
      userId: string;
      email: string;
    }>;
  };
  WebhookProposalExpiredEvent: {
    deliveryId: string;
    eventId: string;
    type: 'proposal.expired';
    tenantId: string;
    occurredAt: string;
    proposal: {
      id: string;
      kind: string;
      status: string;
      subject: string;
      start: string;
      end: string;
      organizer: {
        userId: string;
        email: string | null;
      };
      customerId: string | null;
      notifiesExternal: boolean;
      expiresAt: string;
      url: string;
    };
  };
  WebhookProposalRejectedEvent: {
    deliveryId: string;
    eventId: string;
    type: 'proposal.rejected';
    tenantId: string;
    occurredAt: string;
    proposal: {
      id: string;
      kind: string;
      status: string;
      subject: string;
      start: string;
      end: string;
      organizer: {
        userId: string;
        email: string | null;
      };
      customerId: string | null;
      notifiesExternal: boolean;
      expiresAt: string;
      url: string;
    };
    decidedBy: {
      userId: string;
    };
  };
  WebhookSyncFailedEvent: {
    deliveryId: string;
    eventId: string;
    type: 'sync.failed';
    tenantId: string;
    occurredAt: string;
    sync: {
      calendarId: string;
      connectionId: string;
      userId: string;
      provider: 'MICROSOFT' | 'GOOGLE';
      code: string;
    };
  };
  WebhookTestEvent: {
    deliveryId: string;
    eventId: string;
    type: 'webhook.test';
    tenantId: string;
    occurredAt: string;
    endpointId: string;
    requestedBy: {
      userId: string;
    };
    message: string;
  };
}

export interface Paths {
  '/api/api-keys': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        apiKeys: Array<Schemas['ApiKey']>;
      };
    };
    post: {
      params: never;
      query: never;
      body: {
        userId: string;
      };
      response: {
        apiKey: string;
        key: Schemas['ApiKey'];
      };
    };
  };
  '/api/api-keys/{id}': {
    delete: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['ApiKey'];
    };
  };
  '/api/approval-policy': {
    get: {
      params: never;
      query: never;
      body: never;
      response: Schemas['ApprovalPolicy'];
    };
    put: {
      params: never;
      query: never;
      body: {
        approvers:
          | {
              kind: 'role';
            }
          | {
              kind: 'named';
              userIds: Array<string>;
            }
          | {
              kind: 'manager';
            };
        selfApproveInternal: boolean;
        selfApproveExternal: boolean;
        expiryHours: number;
      };
      response: Schemas['ApprovalPolicy'];
    };
  };
  '/api/approvals/pending': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        count: number;
        items: Array<Schemas['Proposal']>;
      };
    };
  };
  '/api/audit': {
    get: {
      params: never;
      query: {
        action?: string;
        actor?: string;
        targetType?: string;
        since?: string;
        until?: string;
        limit?: number;
        cursor?: string;
      };
      body: never;
      response: {
        entries: Array<Schemas['AuditEntry']>;
        nextCursor: string | null;
      };
    };
  };
  '/api/audit/export': {
    get: {
      params: never;
      query: { action?: string; actor?: string; targetType?: string; since?: string; until?: string };
      body: never;
      response: null;
    };
  };
  '/api/auth/callback/{provider}': {
    get: {
      params: { provider: 'microsoft' | 'google' };
      query: {
        state?: string;
        code?: string;
        error?: string;
        error_description?: string;
        error_subcode?: string;
        client_info?: string;
        scope?: string;
        session_state?: string;
        authuser?: string;
        hd?: string;
        prompt?: string;
        iss?: string;
      };
      body: never;
      response: null;
    };
  };
  '/api/auth/connect/{provider}': {
    get: {
      params: { provider: 'microsoft' | 'google' };
      query: { returnTo?: string };
      body: never;
      response: null;
    };
  };
  '/api/auth/session': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        via: 'session' | 'api_key';
        userId: string;
        tenantId: string;
        role: 'member' | 'approver' | 'admin';
        csrfToken: string | null;
        expiresAt: string | null;
      };
    };
  };
  '/api/auth/sessions': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        sessions: Array<{
          id: string;
          current: boolean;
          provider: string | null;
          userAgent: string | null;
          createdAt: string;
          lastSeenAt: string;
          expiresAt: string;
        }>;
      };
    };
  };
  '/api/auth/signin/{provider}': {
    get: {
      params: { provider: 'microsoft' | 'google' };
      query: { returnTo?: string; connect?: '1' | '0' };
      body: never;
      response: null;
    };
  };
  '/api/auth/signout': {
    post: {
      params: never;
      query: never;
      body: never;
      response: null;
    };
  };
  '/api/auth/signout-everywhere': {
    post: {
      params: never;
      query: never;
      body: never;
      response: {
        ended: number;
      };
    };
  };
  '/api/calendar/availability': {
    get: {
      params: never;
      query: {
        start: string;
        end: string;
        attendees?: Array<string>;
        rooms?: Array<string>;
        granularity?: number;
        timeZone?: string;
      };
      body: never;
      response: {
        range: {
          start: string;
          end: string;
        };
        timeZone: string;
        slotMinutes: number;
        schedules: Array<{
          email: string;
          status: string;
          kind: string;
          [key: string]: unknown;
        }>;
        grid: {
          [key: string]: unknown;
        };
        completeness: {
          total: number;
          current: number;
          text: string;
          [key: string]: unknown;
        };
      };
    };
  };
  '/api/calendar/events': {
    get: {
      params: never;
      query: {
        limit?: number;
        offset?: number;
        start?: string;
        end?: string;
        calendarId?: string;
        customerId?: string;
        copies?: 'merged' | 'all';
      };
      body: never;
      response: {
        items: Array<Schemas['CalendarEventView']>;
        total: number;
        limit: number;
        offset: number;
      };
    };
    post: {
      params: never;
      query: never;
      body: {
        subject: string;
        bodyHtml?: string;
        start: string;
        end: string;
        timeZone?: string;
        attendees: Array<{
          email: string;
          name?: string | null;
          type?: 'required' | 'optional';
        }>;
        room?: string | null;
        onlineMeeting?: boolean;
        reminderMinutes?: number | null;
        calendarId?: string;
        customerId?: string | null;
        templateId?: string | null;
        location?: string | null;
        showAs?: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere';
        categories?: Array<string>;
        sensitivity?: 'normal' | 'personal' | 'private' | 'confidential';
        recurrence?: {
          frequency: 'daily' | 'weekly' | 'monthly';
          interval?: number;
          daysOfWeek?: Array<'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday'>;
          dayOfMonth?: number;
          until?: string;
          count?: number;
        };
      };
      response: Schemas['Proposal'];
    };
  };
  '/api/calendar/events/{id}': {
    put: {
      params: { id: string };
      query: never;
      body: {
        subject?: string;
        bodyHtml?: string;
        start?: string;
        end?: string;
        attendees?: Array<{
          email: string;
          name?: string | null;
          type?: 'required' | 'optional';
        }>;
        room?: string | null;
        onlineMeeting?: boolean;
        reminderMinutes?: number | null;
        location?: string | null;
        showAs?: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere';
        categories?: Array<string>;
        sensitivity?: 'normal' | 'personal' | 'private' | 'confidential';
        recurrence?: {
          frequency: 'daily' | 'weekly' | 'monthly';
          interval?: number;
          daysOfWeek?: Array<'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday'>;
          dayOfMonth?: number;
          until?: string;
          count?: number;
        };
        scope?: 'occurrence' | 'series';
      };
      response: {
        status: 'applied' | 'proposed';
        event?: Schemas['CalendarEventView'] | (null | null);
        proposal?: Schemas['Proposal'];
      };
    };
    delete: {
      params: { id: string };
      query: { scope?: 'occurrence' | 'series' };
      body: never;
      response: {
        status: 'applied' | 'proposed';
        event?: Schemas['CalendarEventView'] | (null | null);
        proposal?: Schemas['Proposal'];
      };
    };
  };
  '/api/calendar/events/{id}/body': {
    get: {
      params: { id: string };
      query: never;
      body: never;
      response: {
        contentType: string;
        content: string;
      };
    };
  };
  '/api/calendar/events/{id}/rsvp': {
    post: {
      params: { id: string };
      query: never;
      body: {
        response: 'accepted' | 'tentative' | 'declined';
        comment?: string | null;
        sendResponse?: boolean;
        scope?: 'occurrence' | 'series';
      };
      response: {
        status: 'responded';
        meetingId: string;
        response: string;
      };
    };
  };
  '/api/calendar/export.ics': {
    get: {
      params: never;
      query: never;
      body: never;
      response: null;
    };
  };
  '/api/calendar/feed': {
    get: {
      params: never;
      query: never;
      body: never;
      response: Schemas['CalendarFeedStatus'];
    };
    post: {
      params: never;
      query: never;
      body: never;
      response: Schemas['CalendarFeedStatus'] & {
        url: string;
      };
    };
    delete: {
      params: never;
      query: never;
      body: never;
      response: Schemas['CalendarFeedStatus'];
    };
  };
  '/api/calendar/findmeetingtimes': {
    post: {
      params: never;
      query: never;
      body: {
        attendees: Array<{
          email: string;
          type?: 'required' | 'optional';
        }>;
        rooms?: Array<string>;
        window: {
          start: string;
          end: string;
        };
        durationMinutes: number;
        minimumAttendeePercentage?: number;
        maxCandidates?: number;
        isOrganizerOptional?: boolean;
        workHoursOnly?: boolean;
        timeZone?: string;
        spread?: boolean;
        customerId?: string;
      };
      response: {
        engine: string;
        emptySuggestionsReason: string;
        suggestions: Array<{
          start: string;
          end: string;
          confidence: number;
          organizerAvailability: string;
          rooms: Array<string>;
          suggestionReason: string;
          reason: string;
          [key: string]: unknown;
        }>;
      };
    };
  };
  '/api/calendar/rooms': {
    get: {
      params: never;
      query: { minCapacity?: number; building?: string };
      body: never;
      response: {
        items: Array<{
          email: string;
          name: string;
          capacity: number | null;
          building: string | null;
          floor: string | null;
          roomList: string | null;
        }>;
      };
    };
  };
  '/api/calendar/sync': {
    post: {
      params: never;
      query: never;
      body: {
        calendarId?: string;
        full?: boolean;
      };
      response: {
        queued: number;
      };
    };
  };
  '/api/calendar/sync-status': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        calendars: Array<{
          calendarId: string;
          name: string;
          isShared: boolean;
          ownerEmail: string | null;
          selected: boolean;
          isDefault: boolean;
          canEdit: boolean;
          accessLost: {
            code: 'calendar_access_lost';
            since: string;
            providerAnswer: string | null;
            message: string;
          } | null;
          provider: 'MICROSOFT' | 'GOOGLE';
          connectionId: string;
          pollIntervalSeconds: number;
          lastSuccessAt: string | null;
          lagSeconds: number | null;
          nextRunAt: string | null;
          lastError: string | null;
          throttled: boolean;
          subscriptionExpiresAt: string | null;
          lastNotificationAt: string | null;
          fullSyncInProgress: boolean;
          pagesSynced: number;
          eventsSynced: number;
        }>;
        notifications: boolean;
        queue: {
          queued: number;
          active: number;
        };
      };
    };
  };
  '/api/calendar/working-hours': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        workingHours: {
          daysOfWeek: Array<'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday'>;
          startTime: string;
          endTime: string;
          timeZone: string;
        } | null;
        source: 'provider' | 'calbridge' | 'default';
        editable: boolean;
        updatedAt: string | null;
      };
    };
    put: {
      params: never;
      query: never;
      body: {
        daysOfWeek: Array<'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday'>;
        startTime: string;
        endTime: string;
        timeZone: string;
      };
      response: {
        workingHours: {
          daysOfWeek: Array<'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday'>;
          startTime: string;
          endTime: string;
          timeZone: string;
        } | null;
        source: 'provider' | 'calbridge' | 'default';
        editable: boolean;
        updatedAt: string | null;
      };
    };
    delete: {
      params: never;
      query: never;
      body: never;
      response: {
        workingHours: {
          daysOfWeek: Array<'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday'>;
          startTime: string;
          endTime: string;
          timeZone: string;
        } | null;
        source: 'provider' | 'calbridge' | 'default';
        editable: boolean;
        updatedAt: string | null;
      };
    };
  };
  '/api/calendars': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        items: Array<{
          id: string;
          connectionId: string;
          provider: 'MICROSOFT' | 'GOOGLE';
          connectionStatus: string;
          name: string;
          ownerEmail: string | null;
          isShared: boolean;
          isDefault: boolean;
          canEdit: boolean;
          selectedForSync: boolean;
        }>;
      };
    };
  };
  '/api/calendars/{calendarId}': {
    patch: {
      params: { calendarId: string };
      query: never;
      body: {
        selectedForSync?: boolean;
        isDefault?: boolean;
      };
      response: {
        calendar: {
          id: string;
          connectionId: string;
          provider: 'MICROSOFT' | 'GOOGLE';
          connectionStatus: string;
          name: string;
          ownerEmail: string | null;
          isShared: boolean;
          isDefault: boolean;
          canEdit: boolean;
          selectedForSync: boolean;
        };
        removedMeetings: number;
        syncQueued: boolean;
      };
    };
  };
  '/api/chat': {
    post: {
      params: never;
      query: never;
      body: {
        message: string;
        timeZone?: string;
        accountId?: string;
        start?: string;
        meetingId?: string;
      };
      response: {
        intent: string;
        reply: string;
        slots?: Array<{
          start: string;
          end: string;
          confidence: number;
          suggestionReason?: string;
          reason?: string;
        }>;
        events?: Array<{
          id: string;
          subject: string;
          start: string;
          end: string;
          isAllDay: boolean;
          isCancelled: boolean;
          customerId: string | null;
          onlineMeeting: {
            joinUrl?: string | null;
          } | null;
        }>;
        proposalId?: string;
        proposal?: {
          id: string;
          status: string;
          action: 'create' | 'update' | 'delete';
          subject: string;
          start: string;
          end: string;
          previousStart: string | null;
          previousEnd: string | null;
          teams: boolean;
          attendees: Array<{
            email: string;
            name: string | null;
          }>;
          expiresAt: string;
          duplicate: boolean;
        };
        meetings?: Array<{
          id: string;
          subject: string;
          start: string;
          end: string;
          attendees: Array<{
            email: string;
            name: string | null;
          }>;
        }>;
        accountId?: string;
        meetingId?: string;
        reason?: string;
        choices?: Array<{
          id: string;
          name: string;
        }>;
        errorCode?: string;
      };
    };
  };
  '/api/chat/history': {
    get: {
      params: never;
      query: { limit?: number };
      body: never;
      response: {
        items: Array<{
          id: string;
          role: 'user' | 'assistant';
          text: string;
          answer: {
            intent?: string;
            reply?: string;
            slots?: Array<{
              start: string;
              end: string;
              confidence: number;
              suggestionReason?: string;
              reason?: string;
            }>;
            events?: Array<{
              id: string;
              subject: string;
              start: string;
              end: string;
              isAllDay: boolean;
              isCancelled: boolean;
              customerId: string | null;
              onlineMeeting: {
                joinUrl?: string | null;
              } | null;
            }>;
            proposalId?: string;
            proposal?: {
              id: string;
              status: string;
              action: 'create' | 'update' | 'delete';
              subject: string;
              start: string;
              end: string;
              previousStart: string | null;
              previousEnd: string | null;
              teams: boolean;
              attendees: Array<{
                email: string;
                name: string | null;
              }>;
              expiresAt: string;
              duplicate: boolean;
            };
            meetings?: Array<{
              id: string;
              subject: string;
              start: string;
              end: string;
              attendees: Array<{
                email: string;
                name: string | null;
              }>;
            }>;
            accountId?: string;
            meetingId?: string;
            reason?: string;
            choices?: Array<{
              id: string;
              name: string;
            }>;
            errorCode?: string;
          } | null;
          picked: {
            start?: string;
            meetingId?: string;
            accountId?: string;
          } | null;
          createdAt: string;
        }>;
      };
    };
    delete: {
      params: never;
      query: never;
      body: never;
      response: {
        deleted: number;
      };
    };
  };
  '/api/customers': {
    get: {
      params: never;
      query: { limit?: number; offset?: number; search?: string };
      body: never;
      response: {
        items: Array<Schemas['Customer']>;
      };
    };
    post: {
      params: never;
      query: never;
      body: {
        name: string;
        domains?: Array<string>;
        subjectPatterns?: Array<string>;
        stakeholders?: Array<{
          email: string;
          name?: string | null;
          role?: string | null;
        }>;
      };
      response: Schemas['Customer'];
    };
  };
  '/api/customers/{id}': {
    get: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['Customer'];
    };
    patch: {
      params: { id: string };
      query: never;
      body: {
        name?: string;
        domains?: Array<string>;
        subjectPatterns?: Array<string>;
      };
      response: Schemas['Customer'];
    };
    delete: {
      params: { id: string };
      query: never;
      body: never;
      response: null;
    };
  };
  '/api/customers/{id}/health-signals': {
    get: {
      params: { id: string };
      query: never;
      body: never;
      response: {
        customerId: string;
        asOf: string;
        score: number;
        band: 'healthy' | 'at_risk' | 'critical';
        trend: 'up' | 'down' | 'flat';
        factors: Array<{
          name: string;
          value: number | null;
          weight: number;
          contribution: number;
          maxContribution: number;
          explanation: string;
        }>;
        metrics: Schemas['CustomerMetrics'];
      };
    };
  };
  '/api/customers/{id}/meetings': {
    get: {
      params: { id: string };
      query: { limit?: number; offset?: number; when?: 'past' | 'upcoming'; match?: 'customer' | 'candidate' };
      body: never;
      response: {
        items: Array<Schemas['CustomerMeeting']>;
        total: number;
      };
    };
  };
  '/api/customers/{id}/metrics': {
    get: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['CustomerMetrics'] & {
        trend: 'up' | 'down' | 'flat';
      };
    };
  };
  '/api/customers/{id}/schedule': {
    post: {
      params: { id: string };
      query: never;
      body: {
        templateId?: string;
        templateKey?: string;
        start: string;
        durationMinutes?: number;
        attendees?: Array<{
          email: string;
          name?: string | null;
          type?: 'required' | 'optional';
        }>;
        subject?: string;
        room?: string | null;
        onlineMeeting?: boolean;
        calendarId?: string;
        timeZone?: string;
      };
      response: Schemas['Proposal'];
    };
  };
  '/api/customers/{id}/score-history': {
    get: {
      params: { id: string };
      query: { days?: number };
      body: never;
      response: {
        items: Array<{
          day: string;
          score: number;
          band: 'healthy' | 'at_risk' | 'critical';
        }>;
      };
    };
  };
  '/api/customers/{id}/stakeholders': {
    post: {
      params: { id: string };
      query: never;
      body: {
        email: string;
        name?: string | null;
        role?: string | null;
      };
      response: {
        id: string;
        customerId: string;
        email: string;
        name: string | null;
        role: string | null;
      };
    };
  };
  '/api/customers/{id}/stakeholders/{stakeholderId}': {
    delete: {
      params: { id: string; stakeholderId: string };
      query: never;
      body: never;
      response: null;
    };
  };
  '/api/customers/preview': {
    post: {
      params: never;
      query: never;
      body: {
        domains?: Array<string>;
        subjectPatterns?: Array<string>;
        stakeholders?: Array<{
          email: string;
        }>;
        customerId?: string;
      };
      response: {
        matches: number;
        byReason: {
          domain: number;
          stakeholder: number;
          subject: number;
        };
        keptByHand: number;
        sample: Array<{
          id: string;
          subject: string;
          start: string;
          reason: 'domain' | 'stakeholder' | 'subject';
        }>;
        capped: boolean;
      };
    };
  };
  '/api/customers/scores': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        items: Array<{
          customerId: string;
          name: string;
          score: number;
          band: 'healthy' | 'at_risk' | 'critical';
          trend: 'up' | 'down' | 'flat';
          lastContact: string | null;
        }>;
      };
    };
  };
  '/api/data-jobs/{id}': {
    get: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['DataJob'];
    };
  };
  '/api/data-jobs/{id}/status': {
    get: {
      params: { id: string };
      query: { token: string };
      body: never;
      response: Schemas['DataJob'];
    };
  };
  '/api/directory/people': {
    get: {
      params: never;
      query: { q: string; limit?: number };
      body: never;
      response: {
        items: Array<Schemas['DirectoryPerson']>;
        sources: {
          calbridge: 'ok';
          provider: Schemas['DirectoryProviderSource'];
        };
      };
    };
  };
  '/api/integrations/google/calendars': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        calendars: Array<{
          id: string;
          providerCalendarId: string;
          name: string;
          ownerEmail: string | null;
          isShared: boolean;
          isDefault: boolean;
          canEdit: boolean;
          onlineMeetingProviders: Array<string>;
        }>;
      };
    };
  };
  '/api/integrations/google/callback': {
    get: {
      params: never;
      query: {
        state?: string;
        code?: string;
        scope?: string;
        error?: string;
        error_description?: string;
        authuser?: string;
        hd?: string;
        prompt?: string;
      };
      body: never;
      response: null;
    };
  };
  '/api/integrations/google/connect': {
    post: {
      params: never;
      query: never;
      body: {
        loginHint?: string;
        prompt?: 'select_account' | 'consent';
        allowOtherAccount?: boolean;
        returnTo?: string;
      };
      response: {
        authorizeUrl: string;
        expiresAt: string;
      };
    };
  };
  '/api/integrations/google/disconnect': {
    post: {
      params: never;
      query: never;
      body: never;
      response: {
        status: string;
      };
    };
  };
  '/api/integrations/google/status': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        connected: boolean;
        status: string;
        account: {
          email: string | null;
          name: string | null;
        } | null;
        providerTenantId: string | null;
        providerUserId: string | null;
        scopes: Array<string>;
        tokenExpiresAt: string | null;
        connectedAt: string | null;
        statusReason: string | null;
        lastError: string | null;
        calendars: Array<{
          id: string;
          providerCalendarId: string;
          name: string;
          ownerEmail: string | null;
          isShared: boolean;
          isDefault: boolean;
          canEdit: boolean;
          onlineMeetingProviders: Array<string>;
        }>;
        reconnectUrl: string | null;
      };
    };
  };
  '/api/integrations/outlook/admin-consent-url': {
    get: {
      params: never;
      query: { tenant?: string };
      body: never;
      response: {
        url: string;
        expiresAt: string;
        scopes: Array<{
          scope: string;
          why: string;
          adminOnly: boolean;
        }>;
      };
    };
  };
  '/api/integrations/outlook/calendars': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        calendars: Array<{
          id: string;
          providerCalendarId: string;
          name: string;
          ownerEmail: string | null;
          isShared: boolean;
          isDefault: boolean;
          canEdit: boolean;
          onlineMeetingProviders: Array<string>;
        }>;
      };
    };
  };
  '/api/integrations/outlook/callback': {
    get: {
      params: never;
      query: {
        state?: string;
        code?: string;
        error?: string;
        error_description?: string;
        admin_consent?: string;
        tenant?: string;
      };
      body: never;
      response: null;
    };
  };
  '/api/integrations/outlook/connect': {
    post: {
      params: never;
      query: never;
      body: {
        loginHint?: string;
        prompt?: 'select_account' | 'consent' | 'login';
        allowOtherAccount?: boolean;
        returnTo?: string;
      };
      response: {
        authorizeUrl: string;
        expiresAt: string;
      };
    };
  };
  '/api/integrations/outlook/disconnect': {
    post: {
      params: never;
      query: never;
      body: never;
      response: {
        status: string;
      };
    };
  };
  '/api/integrations/outlook/status': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        connected: boolean;
        status: string;
        account: {
          email: string | null;
          name: string | null;
        } | null;
        providerTenantId: string | null;
        providerUserId: string | null;
        scopes: Array<string>;
        tokenExpiresAt: string | null;
        connectedAt: string | null;
        statusReason: string | null;
        lastError: string | null;
        calendars: Array<{
          id: string;
          providerCalendarId: string;
          name: string;
          ownerEmail: string | null;
          isShared: boolean;
          isDefault: boolean;
          canEdit: boolean;
          onlineMeetingProviders: Array<string>;
        }>;
        reconnectUrl: string | null;
      };
    };
  };
  '/api/me': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        user: {
          id: string;
          email: string;
          displayName: string | null;
          timeZone: string;
        };
        tenant: {
          id: string;
          name: string;
          calendarProvider: string;
          settings: {
            onlineMeetingByDefault?: boolean;
            privacyMode?: boolean;
            bufferMinutes?: number;
            allowSelfApprovalInternal?: boolean;
            ownDomains?: Array<string>;
            sharedCalendarVisibility?: 'owner' | 'team';
            engagementWeights?: {
              recency?: number;
              frequency?: number;
              breadth?: number;
              executive?: number;
              attendance?: number;
              trend?: number;
              upcoming?: number;
            };
            healthWebhookThreshold?: number;
            healthWebhookUrl?: string | null;
            prepBriefMinutesBefore?: number;
            proposalTtlHours?: number;
            signIn?: {
              microsoftTenantIds?: Array<string>;
              googleDomains?: Array<string>;
            };
          };
        };
      };
    };
  };
  '/api/me/preferences': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        timeZone: string;
        timeFormat: '12h' | '24h';
        source: 'user' | 'mailbox' | 'default';
        updatedAt: string | null;
      };
    };
    put: {
      params: never;
      query: never;
      body: {
        timeZone?: string;
        timeFormat?: '12h' | '24h';
      };
      response: {
        timeZone: string;
        timeFormat: '12h' | '24h';
        source: 'user' | 'mailbox' | 'default';
        updatedAt: string | null;
      };
    };
  };
  '/api/meetings/{id}': {
    get: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['CustomerMeeting'];
    };
  };
  '/api/meetings/{id}/customer': {
    post: {
      params: { id: string };
      query: never;
      body: {
        customerId: string | null;
      };
      response: Schemas['CustomerMeeting'];
    };
    delete: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['CustomerMeeting'];
    };
  };
  '/api/proposals': {
    get: {
      params: never;
      query: {
        limit?: number;
        offset?: number;
        status?: 'pending' | 'approving' | 'approved' | 'rejected' | 'expired' | 'failed';
        mine?: boolean;
      };
      body: never;
      response: {
        items: Array<Schemas['Proposal']>;
      };
    };
  };
  '/api/proposals/{id}': {
    get: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['Proposal'];
    };
    patch: {
      params: { id: string };
      query: never;
      body: {
        start?: string;
        end?: string;
        attendees?: Array<{
          email: string;
          name?: string | null;
          type?: 'required' | 'optional';
        }>;
        subject?: string;
        bodyHtml?: string;
      };
      response: Schemas['Proposal'];
    };
  };
  '/api/proposals/{id}/approve': {
    post: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['Proposal'];
    };
  };
  '/api/proposals/{id}/reject': {
    post: {
      params: { id: string };
      query: never;
      body: {
        reason?: string;
      };
      response: Schemas['Proposal'];
    };
  };
  '/api/settings': {
    patch: {
      params: never;
      query: never;
      body: {
        onlineMeetingByDefault?: boolean;
        privacyMode?: boolean;
        bufferMinutes?: number;
        allowSelfApprovalInternal?: boolean;
        ownDomains?: Array<string>;
        sharedCalendarVisibility?: 'owner' | 'team';
        engagementWeights?: {
          recency?: number;
          frequency?: number;
          breadth?: number;
          executive?: number;
          attendance?: number;
          trend?: number;
          upcoming?: number;
        };
        healthWebhookThreshold?: number;
        healthWebhookUrl?: string | null;
        prepBriefMinutesBefore?: number;
        proposalTtlHours?: number;
        signIn?: {
          microsoftTenantIds?: Array<string>;
          googleDomains?: Array<string>;
        };
      };
      response: {
        onlineMeetingByDefault?: boolean;
        privacyMode?: boolean;
        bufferMinutes?: number;
        allowSelfApprovalInternal?: boolean;
        ownDomains?: Array<string>;
        sharedCalendarVisibility?: 'owner' | 'team';
        engagementWeights?: {
          recency?: number;
          frequency?: number;
          breadth?: number;
          executive?: number;
          attendance?: number;
          trend?: number;
          upcoming?: number;
        };
        healthWebhookThreshold?: number;
        healthWebhookUrl?: string | null;
        prepBriefMinutesBefore?: number;
        proposalTtlHours?: number;
        signIn?: {
          microsoftTenantIds?: Array<string>;
          googleDomains?: Array<string>;
        };
      };
    };
  };
  '/api/settings/webhook-secret': {
    post: {
      params: never;
      query: never;
      body: never;
      response: {
        secret: string;
        createdAt: string;
      };
    };
  };
  '/api/sync/preferences': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        windowPastDays: number;
        windowFutureDays: number;
        pollIntervalSeconds: number;
        custom: boolean;
        defaults: {
          windowPastDays: number;
          windowFutureDays: number;
          pollIntervalSeconds: number;
        };
        updatedAt: string | null;
      };
    };
    put: {
      params: never;
      query: never;
      body: {
        windowPastDays: number;
        windowFutureDays: number;
        pollIntervalSeconds: number;
      };
      response: {
        windowPastDays: number;
        windowFutureDays: number;
        pollIntervalSeconds: number;
        custom: boolean;
        defaults: {
          windowPastDays: number;
          windowFutureDays: number;
          pollIntervalSeconds: number;
        };
        updatedAt: string | null;
      };
    };
    delete: {
      params: never;
      query: never;
      body: never;
      response: {
        windowPastDays: number;
        windowFutureDays: number;
        pollIntervalSeconds: number;
        custom: boolean;
        defaults: {
          windowPastDays: number;
          windowFutureDays: number;
          pollIntervalSeconds: number;
        };
        updatedAt: string | null;
      };
    };
  };
  '/api/templates': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        items: Array<Schemas['Template']>;
      };
    };
    post: {
      params: never;
      query: never;
      body: {
        name: string;
        subjectTemplate: string;
        bodyHtml?: string;
        durationMinutes: number;
        attendeeRoles?: Array<string>;
        onlineMeeting?: boolean | null;
        reminderMinutes?: number | null;
        key?: string | null;
      };
      response: Schemas['Template'];
    };
  };
  '/api/templates/{id}': {
    get: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['Template'];
    };
    patch: {
      params: { id: string };
      query: never;
      body: {
        name?: string;
        subjectTemplate?: string;
        bodyHtml?: string;
        durationMinutes?: number;
        attendeeRoles?: Array<string>;
        onlineMeeting?: boolean | null;
        reminderMinutes?: number | null;
      };
      response: Schemas['Template'];
    };
    delete: {
      params: { id: string };
      query: never;
      body: never;
      response: null;
    };
  };
  '/api/tenant/deletion': {
    post: {
      params: never;
      query: never;
      body: {
        confirm: string;
      };
      response: {
        job: Schemas['DataJob'];
        statusToken: string | null;
      };
    };
  };
  '/api/tenant/export': {
    get: {
      params: never;
      query: never;
      body: never;
      response: null;
    };
  };
  '/api/users': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        users: Array<Schemas['User']>;
      };
    };
    post: {
      params: never;
      query: never;
      body: {
        email: string;
        displayName?: string | null;
        role: 'member' | 'approver' | 'admin';
      };
      response: Schemas['User'];
    };
  };
  '/api/users/{id}': {
    patch: {
      params: { id: string };
      query: never;
      body: {
        role: 'member' | 'approver' | 'admin';
      };
      response: Schemas['User'];
    };
    delete: {
      params: { id: string };
      query: never;
      body: never;
      response: null;
    };
  };
  '/api/users/{id}/deactivate': {
    post: {
      params: { id: string };
      query: never;
      body: never;
      response: {
        user: Schemas['User'];
        sessionsRevoked: number;
        apiKeysRevoked: number;
      };
    };
  };
  '/api/users/{id}/deletion': {
    post: {
      params: { id: string };
      query: never;
      body: {
        confirm: string;
      };
      response: {
        job: Schemas['DataJob'];
        statusToken: string | null;
      };
    };
  };
  '/api/users/{id}/reactivate': {
    post: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['User'];
    };
  };
  '/api/users/{id}/sessions': {
    delete: {
      params: { id: string };
      query: never;
      body: never;
      response: {
        ended: number;
      };
    };
  };
  '/api/web/demo-login': {
    post: {
      params: never;
      query: never;
      body: {
        token: string;
      };
      response: {
        apiKey: string;
      };
    };
  };
  '/api/webhook-endpoints': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        items: Array<Schemas['WebhookEndpoint']>;
      };
    };
    post: {
      params: never;
      query: never;
      body: {
        url: string;
        description?: string;
        eventTypes?: Array<
          | 'meeting.created'
          | 'meeting.updated'
          | 'meeting.cancelled'
          | 'customer.health_changed'
          | 'proposal.created'
          | 'proposal.approved'
          | 'proposal.rejected'
          | 'proposal.expired'
          | 'connection.connected'
          | 'connection.needs_reauth'
          | 'connection.disconnected'
          | 'sync.failed'
        >;
        enabled?: boolean;
      };
      response: {
        endpoint: Schemas['WebhookEndpoint'];
        secret: string;
      };
    };
  };
  '/api/webhook-endpoints/{id}': {
    get: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['WebhookEndpoint'];
    };
    patch: {
      params: { id: string };
      query: never;
      body: {
        url?: string;
        description?: string;
        eventTypes?: Array<
          | 'meeting.created'
          | 'meeting.updated'
          | 'meeting.cancelled'
          | 'customer.health_changed'
          | 'proposal.created'
          | 'proposal.approved'
          | 'proposal.rejected'
          | 'proposal.expired'
          | 'connection.connected'
          | 'connection.needs_reauth'
          | 'connection.disconnected'
          | 'sync.failed'
        >;
        enabled?: boolean;
      };
      response: Schemas['WebhookEndpoint'];
    };
    delete: {
      params: { id: string };
      query: never;
      body: never;
      response: null;
    };
  };
  '/api/webhook-endpoints/{id}/deliveries': {
    get: {
      params: { id: string };
      query: { limit?: number; before?: string; status?: 'pending' | 'sending' | 'sent' | 'failed' };
      body: never;
      response: {
        items: Array<Schemas['WebhookDelivery']>;
      };
    };
  };
  '/api/webhook-endpoints/{id}/deliveries/{deliveryId}': {
    get: {
      params: { id: string; deliveryId: string };
      query: never;
      body: never;
      response: {
        id: string;
        endpointId: string;
        eventId: string;
        eventType: string;
        status: 'pending' | 'sending' | 'sent' | 'failed';
        attempts: number;
        lastStatusCode: number | null;
        lastError: string | null;
        lastAttemptAt: string | null;
        nextRetryAt: string | null;
        replayOf: string | null;
        createdAt: string;
        sentAt: string | null;
        event: {
          id: string;
          type: string;
          body: {
            [key: string]: {
              [key: string]: unknown;
            };
          };
        };
        attemptLog: Array<{
          attempt: number;
          attemptedAt: string;
          statusCode: number | null;
          error: string | null;
          responseBody: string | null;
          durationMs: number;
          nextRetryAt: string | null;
        }>;
      };
    };
  };
  '/api/webhook-endpoints/{id}/deliveries/{deliveryId}/replay': {
    post: {
      params: { id: string; deliveryId: string };
      query: never;
      body: never;
      response: Schemas['WebhookDelivery'];
    };
  };
  '/api/webhook-endpoints/{id}/secret': {
    post: {
      params: { id: string };
      query: never;
      body: never;
      response: {
        secret: string;
        rotatedAt: string;
      };
    };
  };
  '/api/webhook-endpoints/{id}/test': {
    post: {
      params: { id: string };
      query: never;
      body: never;
      response: Schemas['WebhookDelivery'];
    };
  };
  '/api/webhook-endpoints/event-types': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        items: Array<{
          type: string;
          description: string;
          schema: string;
        }>;
      };
    };
  };
  '/api/webhooks/google/{calendarId}': {
    post: {
      params: { calendarId: string };
      query: never;
      body: never;
      response: {
        accepted: boolean;
      };
    };
  };
  '/api/webhooks/microsoft/lifecycle': {
    post: {
      params: never;
      query: { validationToken?: string };
      body: never;
      response: null;
    };
  };
  '/api/webhooks/microsoft/notifications': {
    post: {
      params: never;
      query: { validationToken?: string };
      body: never;
      response: null;
    };
  };
  '/healthz': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        status: 'ok';
      };
    };
  };
  '/ics/{file}': {
    get: {
      params: { file: string };
      query: never;
      body: never;
      response: null;
    };
  };
  '/readyz': {
    get: {
      params: never;
      query: never;
      body: never;
      response: {
        status: 'ready';
        database: 'ok';
      };
    };
  };
}
