using System.Text.Json;
using Aplo.Executors.Transports;
using Aplo.Executors.Transports.Ssh;

namespace Aplo.Executors.Tests;

/// <summary>
/// The UML GlusterFS lab (deploy/lab). Lab tests run only with APLO_LAB=1 and only inside the lab's network
/// namespace (deploy/lab/lab-ns): outside it, lab addresses would leave the machine through the default route.
/// </summary>
public sealed record Lab(string State, IReadOnlyList<LabNode> Nodes, SshTransportOptions Ssh)
{
    public static string StateDirectory => Environment.GetEnvironmentVariable("APLO_LAB_STATE") is { Length: > 0 } s ? s : "/var/tmp/aplo-lab";

    /// <summary>Skips the calling test unless the lab is wanted, up, and this process is inside its namespace.</summary>
    public static async Task<Lab> RequireAsync(CancellationToken cancellationToken)
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("APLO_LAB") == "1", "set APLO_LAB=1 and run inside deploy/lab/lab-ns");
        var file = Path.Combine(StateDirectory, "nodes.json");
        Assert.True(File.Exists(file), $"APLO_LAB=1 but {file} does not exist: run deploy/lab/lab-up");

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file, cancellationToken));
        var root = json.RootElement;
        var netns = root.GetProperty("netns").GetString()!;
        var inside = await new LocalTransport().RunAsync(
            "local", $"[ \"$(stat -L -c %i /run/netns/{netns})\" = \"$(stat -L -c %i /proc/self/ns/net)\" ]", TimeSpan.FromSeconds(10), cancellationToken);
        Assert.True(inside.Ok, $"not inside network namespace {netns}: run the tests with deploy/lab/lab-ns");

        var ssh = root.GetProperty("ssh");
        var nodes = root.GetProperty("nodes").EnumerateArray()
            .Select(n => new LabNode(
                n.GetProperty("name").GetString()!,
                n.GetProperty("ip").GetString()!,
                [.. n.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!)]))
            .ToList();
        return new Lab(
            root.GetProperty("state").GetString()!,
            nodes,
            new SshTransportOptions
            {
                KeyFile = ssh.GetProperty("key").GetString()!,
                User = ssh.GetProperty("user").GetString()!,
                Port = ssh.GetProperty("port").GetInt32(),
                KnownHostsFile = ssh.GetProperty("known_hosts").GetString()!,
            });
    }
}
