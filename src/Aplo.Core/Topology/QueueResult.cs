namespace Aplo.Core.Topology;

/// <summary>How a finished operation ended, kept durably until a client reads it (Heketi lost these on restart).</summary>
public sealed record QueueResult(string Id, string Owner, string Outcome, string? Location, string? Message, DateTimeOffset FinishedAt)
{
    public const string Created = "created";
    public const string Done = "done";
    public const string Failed = "failed";
}
