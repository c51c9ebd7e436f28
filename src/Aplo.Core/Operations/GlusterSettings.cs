using Aplo.Core.Allocation;

namespace Aplo.Core.Operations;

/// <summary>The settings of heketi.json's "glusterfs" section that shape operations.</summary>
public sealed record GlusterSettings
{
    public static readonly GlusterSettings Default = new();

    public AllocationLimits Limits { get; init; } = AllocationLimits.Default;

    /// <summary>Bricks are mounted at <c>&lt;root&gt;/vg_&lt;device&gt;/brick_&lt;brick&gt;</c>; Heketi's path is kept.</summary>
    public string MountRoot { get; init; } = "/var/lib/heketi/mounts";

    public string PreRequestVolumeOptions { get; init; } = string.Empty;

    public string PostRequestVolumeOptions { get; init; } = string.Empty;

    /// <summary>Heketi's default is 1000; a negative value means no limit.</summary>
    public int MaxVolumesPerCluster { get; init; } = 1000;

    public bool StrictZoneChecking { get; init; }

    public int MaxInflightOperations { get; init; } = 8;

    /// <summary>
    /// How long a finished result waits to be polled. Heketi kept unread results forever; Aplo drops them
    /// after this so a client that never polls cannot grow the server without bound.
    /// </summary>
    public TimeSpan CompletedResultLifetime { get; init; } = TimeSpan.FromHours(1);
}
