namespace Aplo.Core.Execution;

/// <summary>
/// One method per storage action on a node (reference §5.1). Implementations build the real commands
/// (LVM, XFS, gluster) or simulate them; either way a failure throws <see cref="ExecutorException"/>.
/// Destroy methods are idempotent: what is already gone counts as done.
/// </summary>
public interface IExecutor
{
    /// <summary>Checks that glusterd answers on <paramref name="host"/>.</summary>
    Task GlusterdCheckAsync(string host, CancellationToken cancellationToken);

    /// <summary>From <paramref name="host"/>, probes <paramref name="newNode"/> into the trusted pool.</summary>
    Task PeerProbeAsync(string host, string newNode, CancellationToken cancellationToken);

    /// <summary>From <paramref name="host"/>, detaches <paramref name="node"/> from the trusted pool.</summary>
    Task PeerDetachAsync(string host, string node, CancellationToken cancellationToken);

    /// <summary>Makes the device an LVM physical volume and a volume group, and reports its size.</summary>
    Task<DeviceSpace> DeviceSetupAsync(string host, DeviceRequest device, CancellationToken cancellationToken);

    /// <summary>Reads the volume group's size as LVM reports it now.</summary>
    Task<DeviceSpace> DeviceInfoAsync(string host, DeviceRequest device, CancellationToken cancellationToken);

    /// <summary>Removes the volume group and the physical volume.</summary>
    Task DeviceTeardownAsync(string host, DeviceRequest device, CancellationToken cancellationToken);

    /// <summary>Creates the thin pool, the thin LV, the XFS file system, the mount and the brick directory.</summary>
    Task BrickCreateAsync(string host, BrickRequest brick, CancellationToken cancellationToken);

    /// <summary>Unmounts and removes the brick; returns whether its space went back to the volume group.</summary>
    Task<bool> BrickDestroyAsync(string host, BrickRequest brick, CancellationToken cancellationToken);

    /// <summary>Creates the Gluster volume from its bricks, sets its options and starts it.</summary>
    Task VolumeCreateAsync(string host, VolumeRequest volume, CancellationToken cancellationToken);

    /// <summary>Adds the bricks of <paramref name="volume"/> (only the new ones) to the existing volume.</summary>
    Task VolumeExpandAsync(string host, VolumeRequest volume, CancellationToken cancellationToken);

    /// <summary>The bricks of a Gluster volume as <c>host:path</c>, or null if Gluster has no such volume.</summary>
    Task<IReadOnlyList<string>?> VolumeBricksAsync(string host, string volumeName, CancellationToken cancellationToken);

    /// <summary>
    /// Moves one brick of a volume to a new brick (<c>replace-brick … commit force</c>); Gluster then heals the
    /// new brick from the rest of its set.
    /// </summary>
    Task VolumeReplaceBrickAsync(string host, string volumeName, BrickAddress oldBrick, BrickAddress newBrick, CancellationToken cancellationToken);

    /// <summary>Pending heal entries per brick of a replicated or dispersed volume.</summary>
    Task<IReadOnlyList<GlusterHealBrick>> HealInfoAsync(string host, string volumeName, CancellationToken cancellationToken);

    /// <summary>Stops and deletes the Gluster volume.</summary>
    Task VolumeDestroyAsync(string host, string volumeName, CancellationToken cancellationToken);

    /// <summary>Every Gluster volume the trusted pool of <paramref name="host"/> knows.</summary>
    Task<IReadOnlyList<GlusterVolumeReport>> VolumesAsync(string host, CancellationToken cancellationToken);

    /// <summary>The volume groups, logical volumes and brick mounts on <paramref name="host"/>.</summary>
    Task<NodeInventory> NodeInventoryAsync(string host, CancellationToken cancellationToken);
}
