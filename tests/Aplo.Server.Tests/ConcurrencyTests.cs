using System.Net;
using Aplo.Client;
using Aplo.Contracts;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

public sealed class ConcurrencyTests : ApiTestBase
{
    protected override Func<Configuration.ServerOptions, Configuration.ServerOptions>? Configure =>
        AploHost.Gluster(g => g with { MaxInflightOperations = 64 });

    [Fact]
    public async Task ConcurrentCreates_NeverOvercommitADevice()
    {
        // 3 nodes × 1 device of 500 GiB: 100 GiB replica-3 volumes fit four times (each charges 100.5 GiB).
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var attempts = Enumerable.Range(0, 16).Select(async _ =>
        {
            try
            {
                await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 100, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
                return "ok";
            }
            catch (HeketiClientException ex) when (ex.Status == HttpStatusCode.InternalServerError)
            {
                return ex.Message;
            }
        });
        var results = await Task.WhenAll(attempts);

        Assert.Equal(4, results.Count(r => r == "ok"));
        Assert.All(results.Where(r => r != "ok"), r => Assert.StartsWith("Failed to allocate new volume: No space", r, StringComparison.Ordinal));
        foreach (var node in built.Nodes)
        {
            var device = await Admin.DeviceInfoAsync(node.Devices[0].Id, Ct);
            Assert.True(device.Storage.Free > 0);
            Assert.Equal(device.Storage.Total, device.Storage.Free + device.Storage.Used);
            Assert.Equal(4 * 105_381_888L, device.Storage.Used);
        }
    }
}
