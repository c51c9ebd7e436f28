using System.Diagnostics;
using Aplo.Core.Execution;

namespace Aplo.Executors.Testing;

/// <summary>
/// Test-only: passes every call to the real executor, and at the point a <see cref="FaultPlan"/> names either
/// kills this process with SIGKILL or makes the call fail. The crash-safety tests use it to stop the server
/// between any two node commands of an operation and check what a restart makes of it.
/// </summary>
public sealed class FaultInjectingExecutor(IExecutor inner, FaultPlan plan, Action<string>? announce = null) : IExecutor
{
    private readonly Lock gate = new();
    private int calls;

    public FaultPlan Plan { get; } = plan;

    public Task GlusterdCheckAsync(string host, CancellationToken cancellationToken) =>
        Around("GlusterdCheck", host, () => inner.GlusterdCheckAsync(host, cancellationToken));

    public Task PeerProbeAsync(string host, string newNode, CancellationToken cancellationToken) =>
        Around("PeerProbe", host, () => inner.PeerProbeAsync(host, newNode, cancellationToken));

    public Task PeerDetachAsync(string host, string node, CancellationToken cancellationToken) =>
        Around("PeerDetach", host, () => inner.PeerDetachAsync(host, node, cancellationToken));

    public Task<DeviceSpace> DeviceSetupAsync(string host, DeviceRequest device, CancellationToken cancellationToken) =>
        Around("DeviceSetup", host, () => inner.DeviceSetupAsync(host, device, cancellationToken));

    public Task<DeviceSpace> DeviceInfoAsync(string host, DeviceRequest device, CancellationToken cancellationToken) =>
        Around("DeviceInfo", host, () => inner.DeviceInfoAsync(host, device, cancellationToken));

    public Task DeviceTeardownAsync(string host, DeviceRequest device, CancellationToken cancellationToken) =>
        Around("DeviceTeardown", host, () => inner.DeviceTeardownAsync(host, device, cancellationToken));

    public Task BrickCreateAsync(string host, BrickRequest brick, CancellationToken cancellationToken) =>
        Around("BrickCreate", host, () => inner.BrickCreateAsync(host, brick, cancellationToken));

    public Task<bool> BrickDestroyAsync(string host, BrickRequest brick, CancellationToken cancellationToken) =>
        Around("BrickDestroy", host, () => inner.BrickDestroyAsync(host, brick, cancellationToken));

    public Task VolumeCreateAsync(string host, VolumeRequest volume, CancellationToken cancellationToken) =>
        Around("VolumeCreate", host, () => inner.VolumeCreateAsync(host, volume, cancellationToken));

    public Task VolumeExpandAsync(string host, VolumeRequest volume, CancellationToken cancellationToken) =>
        Around("VolumeExpand", host, () => inner.VolumeExpandAsync(host, volume, cancellationToken));

    public Task<IReadOnlyList<string>?> VolumeBricksAsync(string host, string volumeName, CancellationToken cancellationToken) =>
        Around("VolumeBricks", host, () => inner.VolumeBricksAsync(host, volumeName, cancellationToken));

    public Task VolumeReplaceBrickAsync(string host, string volumeName, BrickAddress oldBrick, BrickAddress newBrick, CancellationToken cancellationToken) =>
        Around("VolumeReplaceBrick", host, () => inner.VolumeReplaceBrickAsync(host, volumeName, oldBrick, newBrick, cancellationToken));

    public Task<IReadOnlyList<GlusterHealBrick>> HealInfoAsync(string host, string volumeName, CancellationToken cancellationToken) =>
        Around("HealInfo", host, () => inner.HealInfoAsync(host, volumeName, cancellationToken));

    public Task VolumeDestroyAsync(string host, string volumeName, CancellationToken cancellationToken) =>
        Around("VolumeDestroy", host, () => inner.VolumeDestroyAsync(host, volumeName, cancellationToken));

    public Task<IReadOnlyList<GlusterVolumeReport>> VolumesAsync(string host, CancellationToken cancellationToken) =>
        Around("Volumes", host, () => inner.VolumesAsync(host, cancellationToken));

    public Task<NodeInventory> NodeInventoryAsync(string host, CancellationToken cancellationToken) =>
        Around("NodeInventory", host, () => inner.NodeInventoryAsync(host, cancellationToken));

    private async Task Around(string method, string host, Func<Task> call) =>
        await Around(method, host, async () =>
        {
            await call();
            return true;
        });

    private async Task<T> Around<T>(string method, string host, Func<Task<T>> call)
    {
        var hit = Counts(method, host);
        if (hit && !Plan.After)
        {
            Fire(method, host);
        }

        var result = await call();
        if (hit && Plan.After)
        {
            Fire(method, host);
        }

        return result;
    }

    private bool Counts(string method, string host)
    {
        if (!string.Equals(method, Plan.Method, StringComparison.Ordinal) || (Plan.Host is not null && !string.Equals(host, Plan.Host, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        lock (gate)
        {
            return ++calls == Plan.Call;
        }
    }

    private void Fire(string method, string host)
    {
        var what = $"{Plan} reached ({method} on {host})";
        announce?.Invoke(what);
        if (Plan.Action == FaultAction.Fail)
        {
            throw new ExecutorException(host, "injected failure: " + what);
        }

        // On Linux, Process.Kill sends SIGKILL: no finally block, no flush, no graceful shutdown runs.
        using var self = Process.GetCurrentProcess();
        self.Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
