namespace Aplo.Core.Operations;

/// <summary>How an asynchronous operation ended, in the terms of Heketi's queue.</summary>
public abstract record OperationOutcome
{
    /// <summary>Done, and the result is a resource at <see cref="Location"/> (303).</summary>
    public sealed record Created(string Location) : OperationOutcome;

    /// <summary>Done, nothing to show (204).</summary>
    public sealed record Done : OperationOutcome;

    /// <summary>Failed with an operator-readable message (500).</summary>
    public sealed record Failed(string Message) : OperationOutcome;

    public static readonly OperationOutcome Completed = new Done();

    /// <summary>The durable form of this outcome.</summary>
    public Topology.QueueResult ToRecord(string id, string owner, DateTimeOffset finishedAt) => this switch
    {
        Created c => new(id, owner, Topology.QueueResult.Created, c.Location, null, finishedAt),
        Failed f => new(id, owner, Topology.QueueResult.Failed, null, f.Message, finishedAt),
        _ => new(id, owner, Topology.QueueResult.Done, null, null, finishedAt),
    };

    public static OperationOutcome FromRecord(Topology.QueueResult record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Outcome switch
        {
            Topology.QueueResult.Created => new Created(record.Location ?? "/"),
            Topology.QueueResult.Failed => new Failed(record.Message ?? string.Empty),
            _ => Completed,
        };
    }
}
