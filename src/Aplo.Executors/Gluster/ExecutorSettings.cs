namespace Aplo.Executors.Gluster;

/// <summary>
/// How <see cref="GlusterExecutor"/> shapes commands: heketi.json's <c>sshexec</c>/<c>kubeexec</c> keys
/// (fstab, pv_data_alignment, vg_physicalextentsize, lv_chunksize, gluster_cli_timeout, snapshot_limit,
/// rebalance on expansion) plus Aplo's timeout and retry policy. Defaults are Heketi's. <c>sudo</c> belongs
/// to the SSH transport (<see cref="Transports.Ssh.SshTransportOptions.Sudo"/>), which wraps each command.
/// </summary>
public sealed record ExecutorSettings
{
    public static readonly ExecutorSettings Default = new();

    public string Fstab { get; init; } = "/etc/fstab";

    public string MountOptions { get; init; } = "rw,inode64,noatime,nouuid";

    /// <summary>Must match the mount root the bricks' paths were made with; device teardown removes <c>&lt;root&gt;/vg_&lt;id&gt;</c>.</summary>
    public string MountRoot { get; init; } = "/var/lib/heketi/mounts";

    public long PvMetadataSizeKiB { get; init; } = 128 * 1024;

    public long PvDataAlignmentKiB { get; init; } = 256;

    public long VgExtentSizeKiB { get; init; } = 4 * 1024;

    public long LvChunkSizeKiB { get; init; } = 256;

    /// <summary>XFS stripe unit for data bricks (<c>-d su=..k,sw=..</c>); both or neither are set.</summary>
    public long? XfsStripeUnitKiB { get; init; }

    public int? XfsStripeWidth { get; init; }

    /// <summary>gluster's own <c>--timeout</c>, in seconds.</summary>
    public int GlusterCliTimeoutSeconds { get; init; } = 600;

    public bool RebalanceOnExpansion { get; init; } = true;

    /// <summary><c>snap-max-hard-limit</c> set after each peer probe; 0 leaves Gluster's default.</summary>
    public int SnapshotLimit { get; init; } = 14;

    /// <summary>Longest an LVM, mkfs or mount command may run before it is killed.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries after Gluster refuses with a lock conflict ("Another transaction is in progress").</summary>
    public int TransientRetries { get; init; } = 5;

    /// <summary>The first retry waits this long; each next one twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A gluster command may run for the CLI's own timeout plus a margin for the CLI to report it.</summary>
    public TimeSpan GlusterCommandTimeout => TimeSpan.FromSeconds(GlusterCliTimeoutSeconds + 60);

    /// <summary>Throws <see cref="ArgumentException"/> for a value no command should carry.</summary>
    public void Validate()
    {
        CommandArgs.Path(Fstab, "fstab");
        CommandArgs.Path(MountRoot, "mount root");
        CommandArgs.MountOptions(MountOptions);
        CommandArgs.Positive(PvMetadataSizeKiB, nameof(PvMetadataSizeKiB));
        CommandArgs.Positive(PvDataAlignmentKiB, nameof(PvDataAlignmentKiB));
        CommandArgs.Positive(VgExtentSizeKiB, nameof(VgExtentSizeKiB));
        CommandArgs.Positive(LvChunkSizeKiB, nameof(LvChunkSizeKiB));
        CommandArgs.Positive(GlusterCliTimeoutSeconds, nameof(GlusterCliTimeoutSeconds));
        if (XfsStripeUnitKiB.HasValue != XfsStripeWidth.HasValue)
        {
            throw new ArgumentException("XfsStripeUnitKiB and XfsStripeWidth are set together or not at all");
        }

        if (XfsStripeUnitKiB is { } su)
        {
            CommandArgs.Positive(su, nameof(XfsStripeUnitKiB));
            CommandArgs.Positive(XfsStripeWidth!.Value, nameof(XfsStripeWidth));
        }

        if (SnapshotLimit < 0 || TransientRetries < 0 || CommandTimeout <= TimeSpan.Zero || RetryDelay < TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentException("snapshot limit, retries, timeouts and delays must not be negative");
        }
    }
}
