using System.Net;
using System.Text.Json;
using Aplo.Client;
using Aplo.Contracts;
using Aplo.Executors.Testing;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>
/// A server per test that each test starts itself, optionally with a fault plan around the simulated nodes
/// (<c>fail:Method[@host][#n][:after]</c>), and the reads the rollback and eviction tests check with.
/// </summary>
public abstract class FaultableHostTests : IAsyncDisposable
{
    protected AploHost Host { get; private set; } = null!;

    protected HeketiClient Admin { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected async Task StartAsync(string? fault = null)
    {
        Host = await AploHost.StartAsync(
            wrapExecutor: fault is null ? null : nodes => new FaultInjectingExecutor(nodes, FaultPlan.Parse(fault)),
            cancellationToken: Ct);
        Admin = Host.Admin();
    }

    protected static VolumeCreateRequest Replica3(long size) =>
        new() { Size = size, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } };

    protected async Task<string> GetAsync(string path)
    {
        using var response = await Admin.SendAsync(HttpMethod.Get, path, null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    protected async Task<int> PendingCountAsync()
    {
        using var summary = JsonDocument.Parse(await GetAsync("/operations"));
        return summary.RootElement.GetProperty("total").GetInt32();
    }

    /// <summary>The used space of every device of the cluster, in device id order.</summary>
    protected async Task<long[]> UsedAsync(BuiltCluster built)
    {
        var used = new List<long>();
        foreach (var device in built.Nodes.SelectMany(n => n.Devices).OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            used.Add((await Admin.DeviceInfoAsync(device.Id, Ct)).Storage.Used);
        }

        return [.. used];
    }
}
