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

    /// <summary>One node at a time: volumes and peers are cluster-wide, and two nodes detaching each other race.</summary>
    public async Task WipeAllAsync(CancellationToken ct)
    {
        foreach (var node in Lab.Nodes)
        {
            await WipeAsync(node, ct);
        }
    }

    public LabNode NodeByIp(string ip) => Lab.Nodes.Single(n => n.Ip == ip);

    /// <summary>
    /// Leaves a node as lab-up made it: no Gluster volumes or peers, no brick mounts or fstab lines, no VGs or
    /// PVs on the lab disks. Uses plain commands over the system ssh client, not the code under test.
    /// </summary>
    public async Task WipeAsync(LabNode node, CancellationToken ct)
    {
        var devices = string.Join(' ', node.Devices);
        var script = $$"""
            for v in $(gluster --mode=script volume list 2>/dev/null | grep -v '^No volumes'); do
              gluster --mode=script volume stop "$v" force >/dev/null 2>&1
              gluster --mode=script volume delete "$v" >/dev/null 2>&1
            done
            for p in $(gluster --mode=script pool list 2>/dev/null | awk 'NR>1 && $2 != "localhost" {print $2}'); do
              gluster --mode=script peer detach "$p" force >/dev/null 2>&1
            done
            for m in $(awk '$2 ~ "^/var/lib/heketi/mounts/" {print $2}' /proc/mounts); do umount -l "$m"; done
            sed -i '/\/var\/lib\/heketi\/mounts\//d' /etc/fstab
            for vg in $(vgs --noheadings -o vg_name 2>/dev/null); do vgremove -qq -ff "$vg" >/dev/null 2>&1; done
            for d in {{devices}}; do pvremove -qq -ff -y "$d" >/dev/null 2>&1; wipefs -qa "$d" >/dev/null 2>&1; done
            rm -rf /var/lib/heketi/mounts
            true
            """;
        await Lab.MustAsync(node, script, ct);
    }
}
