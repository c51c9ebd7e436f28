using Aplo.Client;
using Aplo.Contracts;
using Aplo.Executors.Transports.Ssh;
using Aplo.Server;
using Aplo.Server.Configuration;
using Microsoft.AspNetCore.Builder;

namespace Aplo.Lab.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "lab";
}

/// <summary>
/// One aplo-server with the ssh executor for all lab tests, over the nodes of the running lab: a cluster with
/// every lab node (manage and storage hostname = the node's IP, zone = its index) and each node's first disk.
/// Before it starts it wipes what an earlier, interrupted run may have left on the nodes.
/// </summary>
public sealed class LabFixture : IAsyncLifetime
{
    private WebApplication? app;
    private string directory = null!;

    public LabEnvironment Lab { get; private set; } = null!;

    public HeketiClient Admin { get; private set; } = null!;

    public string ClusterId { get; private set; } = null!;

    /// <summary>Node id by lab node name.</summary>
    public Dictionary<string, string> NodeIds { get; } = [];

    /// <summary>Device id of each node's first disk, by lab node name.</summary>
    public Dictionary<string, string> DeviceIds { get; } = [];

    public Uri Address { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Lab = LabEnvironment.Load();
        await WipeAllAsync(ct);

        directory = Path.Combine(Path.GetTempPath(), "aplo-lab-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var options = new ServerOptions
        {
            ListenAddress = "127.0.0.1",
            Port = 0,
            AuthEnabled = true,
            AdminKey = "lab-admin",
            UserKey = "lab-user",
            Executor = "ssh",
            DbPath = Path.Combine(directory, "aplo.db"),
            LogLevel = Environment.GetEnvironmentVariable("APLO_LAB_LOGLEVEL") ?? "warning",
            Ssh = new SshTransportOptions { KeyFile = Lab.SshKey, User = "root", KnownHostsFile = Lab.KnownHosts },
        };
        app = await AploServer.BuildAsync(options, ct);
        await app.StartAsync(ct);
        Address = app.Address();
        Admin = new HeketiClient(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(10) }, "admin", "lab-admin")
        {
            LongPoll = TimeSpan.FromSeconds(30),
        };

        var cluster = await Admin.ClusterCreateAsync(new ClusterCreateRequest { File = true, Block = true }, ct);
        ClusterId = cluster.Id;
        foreach (var node in Lab.Nodes)
        {
            var info = await Admin.NodeAddAsync(
                new NodeAddRequest { ClusterId = cluster.Id, Zone = node.Zone, Hostnames = new() { Manage = [node.Ip], Storage = [node.Ip] } }, ct);
            NodeIds[node.Name] = info.Id;
            await Admin.DeviceAddAsync(new DeviceAddRequest { NodeId = info.Id, Name = node.Devices[0] }, ct);
            DeviceIds[node.Name] = (await Admin.NodeInfoAsync(info.Id, ct)).Devices.Single().Id;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await WipeAllAsync(CancellationToken.None);
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Returns every node to the state lab-up left it in (deploy/lab/lab-wipe, not the code under test).</summary>
    public static async Task WipeAllAsync(CancellationToken ct)
    {
        var (code, output) = await LabEnvironment.LocalAsync(LabEnvironment.Script("lab-wipe"), [], ct);
        if (code != 0)
        {
            throw new InvalidOperationException("lab-wipe failed: " + output);
        }
    }

    public LabNode NodeByIp(string ip) => Lab.Nodes.Single(n => n.Ip == ip);
}
