namespace Aplo.Core.Topology;

/// <summary>The kinds of multi-step change that leave a pending record until they finish.</summary>
public enum OperationType
{
    VolumeCreate = 1,
    VolumeDelete = 2,
    VolumeExpand = 3,
    NodeAdd = 100,
    NodeDelete = 101,
    DeviceAdd = 102,
    DeviceDelete = 103,
    DeviceResync = 104,
}

/// <summary>
/// A durable record that an operation began. It names what the operation touches so that a restart can
/// roll it back or forward.
/// </summary>
public sealed record PendingOperation(
    string Id,
    OperationType Type,
    DateTimeOffset Started,
    string Status,
    string TargetId,
    IReadOnlyList<string> BrickIds,
    long DeltaGiB = 0,
    string Owner = "admin");
