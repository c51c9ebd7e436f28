using System.Collections.Concurrent;
using System.Globalization;
using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.Executors.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aplo.Executors.Gluster;

/// <summary>
/// The real executor: LVM, XFS, mount and gluster commands over an <see cref="ICommandTransport"/>.
/// Each call is one batch of commands that stops at the first failure. Batches to one host run one at a time
/// (LVM and glusterd both dislike concurrent changes); different hosts run in parallel. Gluster's lock
/// conflicts are retried with backoff. Destroys treat "already gone" as done; a brick or device that fails
/// half-way is cleaned up before the error is thrown.
/// </summary>
public sealed class GlusterExecutor : IExecutor
{
    private static readonly string[] TransientMarkers =
    [
        "Another transaction is in progress",
        "Locking failed",
        "Unable to acquire lock",
    ];

    private readonly ICommandTransport transport;
    private readonly ExecutorSettings settings;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> hostGates = new(StringComparer.OrdinalIgnoreCase);

    public GlusterExecutor(ICommandTransport transport, ExecutorSettings settings, ILogger<GlusterExecutor>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        this.transport = transport;
        this.settings = settings;
        this.logger = logger ?? NullLogger<GlusterExecutor>.Instance;
        this.time = time ?? TimeProvider.System;
    }

    public Task GlusterdCheckAsync(string host, CancellationToken cancellationToken) =>
        OnHostAsync(host, async ct =>
        {
            var timeout = TimeSpan.FromSeconds(GlusterCommands.CheckTimeoutSeconds + 20);
            var pool = await RunAsync(host, GlusterCommands.PoolList(), timeout, ct);
            if (pool.Ok)
            {
                return true;
            }

            var pid = await RunAsync(host, "pidof glusterd", timeout, ct);
            var state = pid.Ok ? "glusterd is running but does not answer" : "glusterd is not running";
            throw new ExecutorException(host, $"{state}: {GlusterCommands.PoolList()} exited {pool.ExitCode}: {Tail(pool)}");
        }, cancellationToken);

    public Task PeerProbeAsync(string host, string newNode, CancellationToken cancellationToken) =>
        OnHostAsync(host, async ct =>
        {
            await RequireAsync(host, GlusterCommands.PeerProbe(settings, newNode), settings.GlusterCommandTimeout, ct);
            if (settings.SnapshotLimit > 0)
            {
                await RequireAsync(host, GlusterCommands.SnapshotLimit(settings, settings.SnapshotLimit), settings.GlusterCommandTimeout, ct);
            }

            return true;
        }, cancellationToken);

    public Task PeerDetachAsync(string host, string node, CancellationToken cancellationToken) =>
        OnHostAsync(host, async ct =>
        {
            var command = GlusterCommands.PeerDetach(settings, node);
            var result = await RunAsync(host, command, settings.GlusterCommandTimeout, ct);
            if (!result.Ok && !Says(result, "is not part of cluster", "not a friend", "does not exist"))
            {
                throw Failure(host, command, result);
            }

            return true;
        }, cancellationToken);

    public Task<DeviceSpace> DeviceSetupAsync(string host, DeviceRequest device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return OnHostAsync(host, async ct =>
        {
            var timeout = settings.CommandTimeout;
            var wipe = LvmCommands.WipeFs(device.Name);
            var pvCreate = LvmCommands.PvCreate(settings, device.Name);
            var vgCreate = LvmCommands.VgCreate(settings, device.VolumeGroup, device.Name);
            var vgRemove = LvmCommands.VgRemove(device.VolumeGroup);
            var pvRemove = LvmCommands.PvRemove(device.Name);
            if (device.DestroyData)
            {
                await RequireAsync(host, wipe, timeout, ct);
            }

            await RequireAsync(host, pvCreate, timeout, ct);
            var vgCreated = false;
            try
            {
                await RequireAsync(host, vgCreate, timeout, ct);
                vgCreated = true;
                return await SpaceAsync(host, device, ct);
            }
            catch (Exception ex) when (ex is ExecutorException or OperationCanceledException)
            {
                // The caller forgets a device whose setup failed, so undo what this call made (and only that).
                Log.DeviceSetupCleanup(logger, host, device.Name);
                if (vgCreated)
                {
                    await RunAsync(host, vgRemove, timeout, CancellationToken.None);
                }

                await RunAsync(host, pvRemove, timeout, CancellationToken.None);
                throw;
            }
        }, cancellationToken);
    }

    public Task<DeviceSpace> DeviceInfoAsync(string host, DeviceRequest device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return OnHostAsync(host, ct => SpaceAsync(host, device, ct), cancellationToken);
    }

    public Task DeviceTeardownAsync(string host, DeviceRequest device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return OnHostAsync(host, async ct =>
        {
            var timeout = settings.CommandTimeout;
            var vgRemove = LvmCommands.VgRemove(device.VolumeGroup);
            var pvRemove = LvmCommands.PvRemove(device.Name);
            var root = FilesystemCommands.RemoveDirectory(settings.MountRoot + "/" + device.VolumeGroup);
            var vg = await RunAsync(host, vgRemove, timeout, ct);
            if (!vg.Ok && !IsLvmNotFound(vg))
            {
                throw Failure(host, vgRemove, vg);
            }

            var pv = await RunAsync(host, pvRemove, timeout, ct);
            if (!pv.Ok && !IsLvmNotFound(pv) && !Says(pv, "No PV found", "not a PV", "No PV label found"))
            {
                throw Failure(host, pvRemove, pv);
            }

            // Bricks' mount points lived here; an empty leftover is harmless, so failure only gets logged.
            var rmdir = await RunAsync(host, root, timeout, ct);
            if (!rmdir.Ok && !Says(rmdir, "No such file or directory"))
            {
                Log.FailureIgnored(logger, host, Tail(rmdir), root);
            }

            return true;
        }, cancellationToken);
    }

    public Task BrickCreateAsync(string host, BrickRequest brick, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(brick);
        return OnHostAsync(host, async ct =>
        {
            // Every command is built (and so checked) before the first one runs.
            var mountPoint = brick.MountPoint;
            var devNode = FilesystemCommands.DevNode(brick.VolumeGroup, brick.LogicalVolume);
            var mkdir = FilesystemCommands.MakeDirectories(mountPoint);
            var steps = new List<string>
            {
                LvmCommands.ThinLvCreate(settings, brick),
                FilesystemCommands.MakeXfs(settings, devNode, brick.Role == BrickRole.Arbiter),
                FilesystemCommands.FstabAdd(settings, devNode, mountPoint),
                FilesystemCommands.Mount(settings, devNode, mountPoint),
                FilesystemCommands.MakeDirectory(brick.Path),
            };
            if (brick.Gid != 0)
            {
                steps.Add(FilesystemCommands.ChangeGroup(brick.Path, brick.Gid));
                steps.Add(FilesystemCommands.GroupWritable(brick.Path));
            }

            var destroy = BrickDestroyCommands.For(settings, brick);
            await RequireAsync(host, mkdir, settings.CommandTimeout, ct);
            try
            {
                foreach (var step in steps)
                {
                    await RequireAsync(host, step, settings.CommandTimeout, ct);
                }
            }
            catch (Exception ex) when (ex is ExecutorException or OperationCanceledException)
            {
                Log.BrickCreateCleanup(logger, host, brick.BrickId);
                try
                {
                    await DestroyBrickAsync(host, brick.BrickId, destroy, CancellationToken.None);
                }
                catch (ExecutorException cleanup)
                {
                    Log.BrickCleanupFailed(logger, cleanup, host, brick.BrickId);
                }

                throw;
            }

            return true;
        }, cancellationToken);
    }

    public Task<bool> BrickDestroyAsync(string host, BrickRequest brick, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(brick);
        return OnHostAsync(host, ct => DestroyBrickAsync(host, brick.BrickId, BrickDestroyCommands.For(settings, brick), ct), cancellationToken);
    }

    public Task VolumeCreateAsync(string host, VolumeRequest volume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(volume);
        return OnHostAsync(host, async ct =>
        {
            foreach (var command in GlusterCommands.VolumeCreate(settings, volume))
            {
                await RequireAsync(host, command, settings.GlusterCommandTimeout, ct);
            }

            return true;
        }, cancellationToken);
    }

    public Task VolumeExpandAsync(string host, VolumeRequest volume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(volume);
        return OnHostAsync(host, async ct =>
        {
            foreach (var command in GlusterCommands.AddBricks(settings, volume.Name, volume.Durability, volume.Bricks))
            {
                await RequireAsync(host, command, settings.GlusterCommandTimeout, ct);
            }

            if (settings.RebalanceOnExpansion)
            {
                // The bricks are in; a rebalance that does not start leaves old files where they are, no more.
                var rebalance = await RunAsync(host, GlusterCommands.Rebalance(settings, volume.Name), settings.GlusterCommandTimeout, ct);
                if (!rebalance.Ok)
                {
                    Log.RebalanceFailed(logger, host, volume.Name, Tail(rebalance));
                }
            }

            return true;
        }, cancellationToken);
    }

    public Task VolumeDestroyAsync(string host, string volumeName, CancellationToken cancellationToken) =>
        OnHostAsync(host, async ct =>
        {
            var stop = GlusterCommands.VolumeStop(settings, volumeName);
            var stopped = await RunAsync(host, stop, settings.GlusterCommandTimeout, ct);
            if (!stopped.Ok)
            {
                // Already stopped, or gone: delete says which.
                Log.FailureIgnored(logger, host, Tail(stopped), stop);
            }

            var delete = GlusterCommands.VolumeDelete(settings, volumeName);
            var deleted = await RunAsync(host, delete, settings.GlusterCommandTimeout, ct);
            if (!deleted.Ok && !Says(deleted, "does not exist"))
            {
                throw Failure(host, delete, deleted);
            }

            return true;
        }, cancellationToken);

    /// <summary>Gluster's view of one volume, or of all when <paramref name="volumeName"/> is null.</summary>
    public Task<IReadOnlyList<GlusterVolumeInfo>> VolumeInfoAsync(string host, string? volumeName, CancellationToken cancellationToken) =>
        OnHostAsync(host, async ct =>
        {
            var xml = await XmlAsync(host, GlusterCommands.VolumeInfoXml(settings, volumeName), ct);
            return GlusterXml.ParseVolumeInfo(host, xml);
        }, cancellationToken);

    public async Task<IReadOnlyList<string>?> VolumeBricksAsync(string host, string volumeName, CancellationToken cancellationToken)
    {
        try
        {
            var info = await VolumeInfoAsync(host, volumeName, cancellationToken);
            return info.FirstOrDefault(v => v.Name == volumeName)?.Bricks.Select(b => b.Name).ToList();
        }
        catch (ExecutorException ex) when (ex.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<GlusterVolumeReport>> VolumesAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            var info = await VolumeInfoAsync(host, null, cancellationToken);
            return [.. info.Select(v => new GlusterVolumeReport(v.Name, v.Started, [.. v.Bricks.Select(b => b.Name)]))];
        }
        catch (ExecutorException ex) when (ex.Message.Contains("No volumes present", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }
    }

    public Task<NodeInventory> NodeInventoryAsync(string host, CancellationToken cancellationToken) =>
        OnHostAsync(host, async ct =>
        {
            var timeout = settings.CommandTimeout;
            var vgs = await RequireAsync(host, LvmCommands.VgReportAll(), timeout, ct);
            var lvs = await RequireAsync(host, LvmCommands.LvReportAll(), timeout, ct);
            var mounts = await RequireAsync(host, FilesystemCommands.MountTable(), timeout, ct);
            return new NodeInventory(
                LvmReports.ParseVolumeGroups(host, vgs.StdOut),
                LvmReports.ParseLogicalVolumes(host, lvs.StdOut),
                FilesystemCommands.ParseMountPoints(mounts.StdOut, settings.MountRoot));
        }, cancellationToken);

    public Task VolumeReplaceBrickAsync(string host, string volumeName, BrickAddress oldBrick, BrickAddress newBrick, CancellationToken cancellationToken) =>
        OnHostAsync(host, async ct =>
        {
            await RequireAsync(host, GlusterCommands.ReplaceBrick(settings, volumeName, oldBrick, newBrick), settings.GlusterCommandTimeout, ct);
            return true;
        }, cancellationToken);

    /// <summary>Pending heal entries per reachable brick of a replicated or dispersed volume.</summary>
    public Task<IReadOnlyList<GlusterHealBrick>> HealInfoAsync(string host, string volumeName, CancellationToken cancellationToken) =>
        OnHostAsync(host, async ct =>
        {
            var xml = await XmlAsync(host, GlusterCommands.HealInfoXml(settings, volumeName), ct);
            return GlusterXml.ParseHealInfo(host, xml);
        }, cancellationToken);

    private async Task<bool> DestroyBrickAsync(string host, string brickId, BrickDestroyCommands commands, CancellationToken ct)
    {
        var timeout = settings.CommandTimeout;
        var unmounted = await RunAsync(host, commands.Unmount, timeout, ct);
        if (!unmounted.Ok)
        {
            // umount fails for "not mounted" too; only a mount that is still there is an error.
            var check = await RunAsync(host, commands.IsMounted, timeout, ct);
            if (check.ExitCode != 1)
            {
                throw Failure(host, commands.Unmount, unmounted);
            }
        }

        await RequireAsync(host, commands.FstabRemove, timeout, ct);

        var lv = await RunAsync(host, commands.LvRemove, timeout, ct);
        if (!lv.Ok && !IsLvmNotFound(lv))
        {
            throw Failure(host, commands.LvRemove, lv);
        }

        var reclaimed = await RemoveThinPoolAsync(host, brickId, commands, timeout, ct);

        var removed = await RunAsync(host, commands.RemoveMountPoint, timeout, ct);
        if (!removed.Ok && !Says(removed, "No such file or directory"))
        {
            Log.MountPointKept(logger, host, brickId, Tail(removed));
        }

        return reclaimed;
    }

    /// <summary>Removes the brick's thin pool unless clones or snapshots still live in it.</summary>
    private async Task<bool> RemoveThinPoolAsync(string host, string brickId, BrickDestroyCommands commands, TimeSpan timeout, CancellationToken ct)
    {
        var count = await RunAsync(host, commands.ThinCount, timeout, ct);
        if (!count.Ok)
        {
            return IsLvmNotFound(count) ? true : throw Failure(host, commands.ThinCount, count);
        }

        if (!long.TryParse(count.StdOut.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var thinCount))
        {
            throw new ExecutorException(host, $"{commands.ThinCount} printed '{count.StdOut.Trim()}', not a count");
        }

        if (thinCount > 0)
        {
            Log.ThinPoolKept(logger, host, brickId, commands.ThinPool, thinCount);
            return false;
        }

        var pool = await RunAsync(host, commands.PoolRemove, timeout, ct);
        return pool.Ok || IsLvmNotFound(pool) ? true : throw Failure(host, commands.PoolRemove, pool);
    }

    private async Task<DeviceSpace> SpaceAsync(string host, DeviceRequest device, CancellationToken ct)
    {
        var timeout = settings.CommandTimeout;
        var pvs = await RequireAsync(host, LvmCommands.PvReport(device.Name), timeout, ct);
        var uuid = LvmReports.ParsePvUuid(host, pvs.StdOut);

        var paths = new List<string> { device.Name };
        var links = await RunAsync(host, LvmCommands.DeviceSymlinks(device.Name), timeout, ct);
        if (links.Ok)
        {
            // udevadm lists links relative to /dev, separated by spaces.
            paths.AddRange(links.StdOut.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.StartsWith('/') ? l : "/dev/" + l)
                .Where(l => !paths.Contains(l, StringComparer.Ordinal)));
        }

        var vgs = await RequireAsync(host, LvmCommands.VgReport(device.VolumeGroup), timeout, ct);
        var size = LvmReports.ParseVolumeGroup(host, vgs.StdOut, device.VolumeGroup);
        return new DeviceSpace(size.TotalKiB, size.FreeKiB, size.UsedKiB, size.ExtentKiB, uuid, paths);
    }

    /// <summary>Runs a gluster --xml command; the XML explains a failure better than the exit code.</summary>
    private async Task<string> XmlAsync(string host, string command, CancellationToken ct)
    {
        var result = await RunAsync(host, command, settings.GlusterCommandTimeout, ct);
        if (result.StdOut.Contains("<cliOutput", StringComparison.Ordinal))
        {
            return result.StdOut;
        }

        throw result.Ok
            ? new ExecutorException(host, $"{command} printed no XML: {Tail(result)}")
            : Failure(host, command, result);
    }

    /// <summary>Serializes batches per host; a value that cannot go in a command becomes an executor error.</summary>
    private async Task<T> OnHostAsync<T>(string host, Func<CancellationToken, Task<T>> batch, CancellationToken cancellationToken)
    {
        try
        {
            CommandArgs.Host(host);
        }
        catch (ArgumentException ex)
        {
            throw new ExecutorException(host, ex.Message);
        }

        var gate = hostGates.GetOrAdd(host, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await batch(cancellationToken);
        }
        catch (ArgumentException ex)
        {
            throw new ExecutorException(host, ex.Message);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<CommandResult> RequireAsync(string host, string command, TimeSpan timeout, CancellationToken ct)
    {
        var result = await RunAsync(host, command, timeout, ct);
        return result.Ok ? result : throw Failure(host, command, result);
    }

    /// <summary>Runs one command; Gluster's lock conflicts are retried with doubling delays up to the bound.</summary>
    private async Task<CommandResult> RunAsync(string host, string command, TimeSpan timeout, CancellationToken ct)
    {
        var delay = settings.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            Log.RunningCommand(logger, host, command);
            var started = time.GetTimestamp();
            var result = await transport.RunAsync(host, command, timeout, ct);
            Log.CommandFinished(logger, host, result.ExitCode, (long)time.GetElapsedTime(started).TotalMilliseconds, command);
            if (result.Ok || !Says(result, TransientMarkers) || attempt > settings.TransientRetries)
            {
                return result;
            }

            Log.TransientRetry(logger, host, attempt, settings.TransientRetries + 1, delay, Tail(result));
            await Task.Delay(delay, time, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxRetryDelay.Ticks));
        }
    }

    private ExecutorException Failure(string host, string command, CommandResult result)
    {
        var tail = Tail(result);
        Log.CommandFailed(logger, host, result.ExitCode, command, tail);
        var busy = Says(result, TransientMarkers) ? $" (still busy after {settings.TransientRetries + 1} attempts)" : string.Empty;
        return new ExecutorException(host, $"{command} failed with exit {result.ExitCode}{busy}: {tail}");
    }

    private static bool IsLvmNotFound(CommandResult result) => Says(result, "not found", "Failed to find");

    private static bool Says(CommandResult result, params string[] markers) =>
        markers.Any(m => result.StdErr.Contains(m, StringComparison.OrdinalIgnoreCase) || result.StdOut.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>The end of what the command said (stderr first), enough for an operator to act on.</summary>
    private static string Tail(CommandResult result)
    {
        var text = string.Join('\n', new[] { result.StdErr.Trim(), result.StdOut.Trim() }.Where(t => t.Length > 0));
        if (text.Length == 0)
        {
            return "(no output)";
        }

        var lines = text.Split('\n');
        if (lines.Length > 20)
        {
            text = string.Join('\n', lines[^20..]);
        }

        return text.Length <= 2000 ? text : "..." + text[^2000..];
    }
}
