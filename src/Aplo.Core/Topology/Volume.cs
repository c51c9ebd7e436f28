namespace Aplo.Core.Topology;

/// <summary>A Gluster volume and what it was asked to be.</summary>
public sealed record Volume(
    string Id,
    string ClusterId,
    string Name,
    long SizeGiB,
    Durability Durability,
    RequestedDurability Requested,
    long Gid,
    IReadOnlyList<string> Options,
    bool SnapshotEnabled,
    float SnapshotFactor,
    string Creator,
    string? PendingOperationId = null);
