namespace Calendar.Core.Data;

// The closed sets of values stored in accounts, the moderation log and sources, each value written once. They
// are constants so that SQL text (const interpolation), switch patterns and pages use the same spelling; the
// migrations' CHECK constraints hold the same values. Event states live in Events/States.cs.

/// <summary>What an account may do: moderators review and manage; coordinators submit and edit their own events.</summary>
public static class AccountRole
{
    public const string Moderator = "moderator";
    public const string Coordinator = "coordinator";
    public static readonly IReadOnlyList<string> All = [Moderator, Coordinator];
}

/// <summary>The actions the moderation log records (moderation_log.action).</summary>
public static class ModerationAction
{
    public const string Submitted = "submitted";
    public const string Created = "created";
    public const string Edited = "edited";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Cancelled = "cancelled";
    public const string Deleted = "deleted";
}

/// <summary>Whether a partner feed is fetched: active on schedule, paused until resumed, retired for good.</summary>
public static class SourceState
{
    public const string Active = "active";
    public const string Paused = "paused";
    public const string Retired = "retired";
}

/// <summary>How one fetch of a source ended (SPEC: the run report).</summary>
public static class RunOutcome
{
    public const string Running = "running";
    public const string Ok = "ok";
    public const string NotModified = "not-modified";
    public const string Failed = "failed";
    /// <summary>Nothing applied because too many upcoming events vanished from the feed at once.</summary>
    public const string Held = "held";
}
