namespace Aplo.Core.Topology;

/// <summary>The kinds of multi-step change that leave a pending record until they finish.</summary>
public enum OperationType
{
    VolumeCreate = 1,
    VolumeDelete = 2,
    VolumeExpand = 3,

    /// <summary>Device removal: every brick of a device is evicted, then the device is failed (Heketi's remove-device).</summary>
    DeviceRemove = 6,

    /// <summary>One brick moved to another device: <see cref="PendingOperation.TargetId"/> is the old brick, the new one is in BrickIds.</summary>
    BrickEvict = 8,
    NodeAdd = 100,
    NodeDelete = 101,
    DeviceAdd = 102,
    DeviceDelete = 103,
    DeviceResync = 104,

    /// <summary>Node removal: each device of the node is removed as by <see cref="DeviceRemove"/>, then the node is failed.</summary>
    NodeRemove = 105,
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
