using System.Collections.Concurrent;
using Aplo.Core.Execution;
using Aplo.Core.Topology;

namespace Aplo.Executors.Simulated;

/// <summary>
/// An in-memory model of storage nodes: glusterd, the trusted pool, volume groups with real sizes, thin pools
/// and Gluster volumes. It refuses what a real node would refuse (a device that is already a PV, a thin pool
/// that does not fit, a volume name in use, a brick of a host outside the pool), so tests and benchmarks
/// exercise the failure paths. It is the <c>mock</c> executor; it never runs a command.
/// </summary>
public sealed class SimulatedExecutor : IExecutor
{
    private const long ExtentKiB = 4 * Units.MiB;
    private readonly Lock gate = new();
    private readonly Dictionary<string, SimNode> nodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SimVolume> volumes = new(StringComparer.Ordinal);
    private readonly HashSet<string> brickIndex = new(StringComparer.Ordinal);

    /// <param name="deviceSizeKiB">What every device reports; Heketi's mock uses 500 GiB.</param>
    public SimulatedExecutor(long deviceSizeKiB)
    {
        DeviceSizeKiB = deviceSizeKiB;
    }

    public long DeviceSizeKiB { get; }

    /// <summary>Hosts whose glusterd is down: every command to them fails.</summary>
    public ISet<string> DownHosts { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Heal entries to report per brick (<c>host:path</c>), for tests of the heal check.</summary>
    public ConcurrentDictionary<string, long> HealEntries { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Awaited before every command with the method name and host: the injection point for tests that hold an
    /// operation mid-way or make one command fail (throw <see cref="ExecutorException"/>).
    /// </summary>
    public Func<string, string, Task>? BeforeCommand { get; set; }

    /// <summary>Counts of calls per method, for tests that check what was run.</summary>
    public IReadOnlyDictionary<string, int> Calls
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<string, int>(calls);
            }
        }
    }

    private readonly Dictionary<string, int> calls = new(StringComparer.Ordinal);

    /// <summary>Makes the simulated nodes hold what the store says exists, as real nodes would after a restart.</summary>
    public void Seed(TopologyModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (gate)
        {
            foreach (var node in model.Nodes.Values)
            {
                var sim = Node(node.ManageHostname);
                foreach (var deviceId in model.DeviceIdsOf(node.Id))
                {
                    var d = model.Devices[deviceId];
                    var vg = new SimVolumeGroup(d.Name, d.TotalKiB);
                    sim.Pvs.Add(d.Name);
                    sim.Vgs[d.VolumeGroup] = vg;
                    foreach (var brickId in model.BrickIdsOnDevice(deviceId))
                    {
                        var b = model.Bricks[brickId];
                        vg.Add(b.ThinPool, b.ThinPoolKiB + b.PoolMetadataKiB);
                        sim.Mounts.Add(b.MountPoint);
                    }
                }
            }

            // Gluster knows a volume once its create finished, and an expansion's bricks once it finished; a delete
            // in progress may or may not have reached Gluster, so it is taken as still there. A brick being moved is
            // taken as not yet replaced: the new brick (pending) is not in the volume, the old one still is, and an
            // old brick already swapped out (pending) is not.
            bool Done(string? op, params OperationType[] stillThere) =>
                op is null || (model.Operations.TryGetValue(op, out var o) && stillThere.Contains(o.Type));
            foreach (var v in model.Volumes.Values.Where(v => Done(v.PendingOperationId, OperationType.VolumeDelete, OperationType.VolumeExpand, OperationType.BrickEvict)))
            {
                var bricks = model.BrickIdsOf(v.Id).Select(b => model.Bricks[b]).Where(b => Done(b.PendingOperationId, OperationType.VolumeDelete))
                    .Select(b => new BrickAddress(model.Nodes[b.NodeId].StorageHostname, b.Path).ToString()).ToList();
                volumes[v.Name] = new SimVolume(bricks) { Started = true };
                brickIndex.UnionWith(bricks);
            }
        }
    }

    public Task GlusterdCheckAsync(string host, CancellationToken cancellationToken) => Run(nameof(GlusterdCheckAsync), host, _ => { });

    public Task PeerProbeAsync(string host, string newNode, CancellationToken cancellationToken) =>
        Run(nameof(PeerProbeAsync), host, _ =>
        {
            if (DownHosts.Contains(newNode))
            {
                throw new ExecutorException(host, $"peer probe: failed: Probe returned with Transport endpoint is not connected");
            }

        });

    public Task PeerDetachAsync(string host, string node, CancellationToken cancellationToken) =>
        Run(nameof(PeerDetachAsync), host, _ => { });

    public Task<DeviceSpace> DeviceSetupAsync(string host, DeviceRequest device, CancellationToken cancellationToken) =>
        Run(nameof(DeviceSetupAsync), host, n =>
        {
            if (n.Pvs.Contains(device.Name) && !device.DestroyData)
            {
                throw new ExecutorException(host, $"Can't initialize physical volume \"{device.Name}\": device is already a physical volume");
            }

            if (n.Vgs.ContainsKey(device.VolumeGroup))
            {
                throw new ExecutorException(host, $"A volume group called {device.VolumeGroup} already exists.");
            }

            n.Pvs.Add(device.Name);
            var vg = new SimVolumeGroup(device.Name, DeviceSizeKiB / ExtentKiB * ExtentKiB);
            n.Vgs[device.VolumeGroup] = vg;
            return Space(vg, device.Name);
        });

    public Task<DeviceSpace> DeviceInfoAsync(string host, DeviceRequest device, CancellationToken cancellationToken) =>
        Run(nameof(DeviceInfoAsync), host, n => Space(Vg(host, n, device.VolumeGroup), device.Name));

    public Task DeviceTeardownAsync(string host, DeviceRequest device, CancellationToken cancellationToken) =>
        Run(nameof(DeviceTeardownAsync), host, n =>
        {
            if (n.Vgs.TryGetValue(device.VolumeGroup, out var vg) && vg.Pools.Count > 0)
            {
                throw new ExecutorException(host, $"Volume group \"{device.VolumeGroup}\" still contains {vg.Pools.Count} logical volume(s)");
            }

            n.Vgs.Remove(device.VolumeGroup);
            n.Pvs.Remove(device.Name);
        });

    public Task BrickCreateAsync(string host, BrickRequest brick, CancellationToken cancellationToken) =>
        Run(nameof(BrickCreateAsync), host, n =>
        {
            var vg = Vg(host, n, brick.VolumeGroup);
            var need = brick.ThinPoolKiB + brick.PoolMetadataKiB;
            if (vg.Pools.ContainsKey(brick.ThinPool))
            {
                throw new ExecutorException(host, $"Logical Volume \"{brick.ThinPool}\" already exists in volume group \"{brick.VolumeGroup}\"");
            }

            if (need > vg.FreeKiB)
            {
                throw new ExecutorException(
                    host, $"Volume group \"{brick.VolumeGroup}\" has insufficient free space ({vg.FreeKiB / ExtentKiB} extents): {need / ExtentKiB} required.");
            }

            vg.Add(brick.ThinPool, need);
            n.Mounts.Add(brick.MountPoint);
        });

    public Task<bool> BrickDestroyAsync(string host, BrickRequest brick, CancellationToken cancellationToken) =>
        Run(nameof(BrickDestroyAsync), host, n =>
        {
            n.Mounts.Remove(brick.MountPoint);
            if (n.Vgs.TryGetValue(brick.VolumeGroup, out var vg))
            {
                vg.Remove(brick.ThinPool);
            }

            // Already gone counts as destroyed: destroy is idempotent.
            return true;
        });

    public Task VolumeCreateAsync(string host, VolumeRequest volume, CancellationToken cancellationToken) =>
        Run(nameof(VolumeCreateAsync), host, _ =>
        {
            if (volumes.ContainsKey(volume.Name))
            {
                throw new ExecutorException(host, $"volume create: {volume.Name}: failed: Volume {volume.Name} already exists");
            }

            foreach (var b in volume.Bricks)
            {
                if (DownHosts.Contains(b.Host))
                {
                    throw new ExecutorException(host, $"volume create: {volume.Name}: failed: Host {b.Host} is not in 'Peer in Cluster' state");
                }

                if (brickIndex.Contains(b.ToString()))
                {
                    throw new ExecutorException(host, $"volume create: {volume.Name}: failed: {b.Path} is already part of a volume");
                }
            }

            brickIndex.UnionWith(volume.Bricks.Select(b => b.ToString()));
            volumes[volume.Name] = new SimVolume([.. volume.Bricks.Select(b => b.ToString())]) { Started = true };
        });

    public Task VolumeExpandAsync(string host, VolumeRequest volume, CancellationToken cancellationToken) =>
        Run(nameof(VolumeExpandAsync), host, _ =>
        {
            if (!volumes.TryGetValue(volume.Name, out var v))
            {
                throw new ExecutorException(host, $"volume add-brick: failed: Volume {volume.Name} does not exist");
            }

            v.Bricks.AddRange(volume.Bricks.Select(b => b.ToString()));
            brickIndex.UnionWith(volume.Bricks.Select(b => b.ToString()));
        });

    public Task<IReadOnlyList<string>?> VolumeBricksAsync(string host, string volumeName, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<string>?>(nameof(VolumeBricksAsync), host, _ => volumes.TryGetValue(volumeName, out var v) ? [.. v.Bricks] : null);

    public Task VolumeReplaceBrickAsync(string host, string volumeName, BrickAddress oldBrick, BrickAddress newBrick, CancellationToken cancellationToken) =>
        Run(nameof(VolumeReplaceBrickAsync), host, _ =>
        {
            if (!volumes.TryGetValue(volumeName, out var v))
            {
                throw new ExecutorException(host, $"volume replace-brick: failed: Volume {volumeName} does not exist");
            }

            var at = v.Bricks.IndexOf(oldBrick.ToString());
            if (at < 0)
            {
                throw new ExecutorException(host, $"volume replace-brick: failed: brick: {oldBrick} does not exist in volume: {volumeName}");
            }

            if (brickIndex.Contains(newBrick.ToString()))
            {
                throw new ExecutorException(host, $"volume replace-brick: failed: {newBrick.Path} is already part of a volume");
            }

            v.Bricks[at] = newBrick.ToString();
            brickIndex.Remove(oldBrick.ToString());
            brickIndex.Add(newBrick.ToString());
        });

    /// <summary>
    /// Every brick Connected with the entries <see cref="HealEntries"/> gives it (0 by default); a brick on a host
    /// in <see cref="DownHosts"/> is reported as Gluster reports one it cannot reach.
    /// </summary>
    public Task<IReadOnlyList<GlusterHealBrick>> HealInfoAsync(string host, string volumeName, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<GlusterHealBrick>>(nameof(HealInfoAsync), host, _ =>
        {
            if (!volumes.TryGetValue(volumeName, out var v))
            {
                throw new ExecutorException(host, $"gluster failed: opRet=-1 opErrno=0 opErrstr=Volume {volumeName} does not exist");
            }

            return [.. v.Bricks.Select(b => DownHosts.Contains(b[..b.IndexOf(':', StringComparison.Ordinal)])
                ? new GlusterHealBrick(string.Empty, b, "Transport endpoint is not connected", null)
                : new GlusterHealBrick(string.Empty, b, "Connected", HealEntries.GetValueOrDefault(b)))];
        });

    public Task VolumeDestroyAsync(string host, string volumeName, CancellationToken cancellationToken) =>
        Run(nameof(VolumeDestroyAsync), host, _ =>
        {
            if (volumes.Remove(volumeName, out var v))
            {
                brickIndex.ExceptWith(v.Bricks);
            }
        });

    public Task<IReadOnlyList<GlusterVolumeReport>> VolumesAsync(string host, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<GlusterVolumeReport>>(nameof(VolumesAsync), host, _ =>
            [.. volumes.Select(v => new GlusterVolumeReport(v.Key, v.Value.Started, [.. v.Value.Bricks]))]);

    public Task<NodeInventory> NodeInventoryAsync(string host, CancellationToken cancellationToken) =>
        Run(nameof(NodeInventoryAsync), host, n => new NodeInventory(
            [.. n.Vgs.Select(vg => new VolumeGroupReport(vg.Key, vg.Value.SizeKiB, vg.Value.FreeKiB))],
            [.. n.Vgs.SelectMany(vg => vg.Value.Pools.SelectMany(pool => new[]
            {
                // The pool holds one thin LV, brick_<id> for tp_<id>, as on a real node.
                new LogicalVolumeReport(vg.Key, pool.Key, pool.Value, null),
                new LogicalVolumeReport(vg.Key, "brick_" + pool.Key["tp_".Length..], pool.Value, pool.Key),
            }))],
            [.. n.Mounts]));

    /// <summary>The Gluster volumes that exist, by name, with their bricks as host:path.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Volumes
    {
        get
        {
            lock (gate)
            {
                return volumes.ToDictionary(v => v.Key, v => (IReadOnlyList<string>)[.. v.Value.Bricks]);
            }
        }
    }

    /// <summary>Thin pools per host, as <c>vg/tp</c> names.</summary>
    public IReadOnlyList<string> ThinPools(string host)
    {
        lock (gate)
        {
            return nodes.TryGetValue(host, out var n) ? [.. n.Vgs.SelectMany(vg => vg.Value.Pools.Keys.Select(tp => vg.Key + "/" + tp))] : [];
        }
    }

    private static DeviceSpace Space(SimVolumeGroup vg, string name) =>
        new(vg.SizeKiB, vg.FreeKiB, vg.SizeKiB - vg.FreeKiB, ExtentKiB, "sim-" + name.GetHashCode(StringComparison.Ordinal).ToString("x8", System.Globalization.CultureInfo.InvariantCulture), [name]);

    private static SimVolumeGroup Vg(string host, SimNode n, string name) =>
        n.Vgs.TryGetValue(name, out var vg) ? vg : throw new ExecutorException(host, $"Volume group \"{name}\" not found");

    private SimNode Node(string host)
    {
        if (!nodes.TryGetValue(host, out var n))
        {
            n = new SimNode();
            nodes[host] = n;
        }

        return n;
    }

    private Task Run(string method, string host, Action<SimNode> action) =>
        Run<bool>(method, host, n =>
        {
            action(n);
            return true;
        });

    private async Task<T> Run<T>(string method, string host, Func<SimNode, T> action)
    {
        if (BeforeCommand is { } hook)
        {
            await hook(method, host);
        }

        lock (gate)
        {
            calls[method] = calls.GetValueOrDefault(method) + 1;
            if (DownHosts.Contains(host))
            {
                throw new ExecutorException(host, "connection refused: glusterd is not running");
            }

            return action(Node(host));
        }
    }

    private sealed class SimNode
    {
        public HashSet<string> Pvs { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SimVolumeGroup> Vgs { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Mounts { get; } = new(StringComparer.Ordinal);
    }

    private sealed class SimVolumeGroup(string device, long sizeKiB)
    {
        public string Device { get; } = device;

        public long SizeKiB { get; } = sizeKiB;

        private readonly Dictionary<string, long> pools = new(StringComparer.Ordinal);
        private long used;

        public IReadOnlyDictionary<string, long> Pools => pools;

        public long FreeKiB => SizeKiB - used;

        public void Add(string pool, long kib)
        {
            pools[pool] = kib;
            used += kib;
        }

        public bool Remove(string pool)
        {
            if (!pools.Remove(pool, out var kib))
            {
                return false;
            }

            used -= kib;
            return true;
        }
    }

    private sealed class SimVolume(List<string> bricks)
    {
        public List<string> Bricks { get; } = bricks;

        public bool Started { get; set; }
    }
}
