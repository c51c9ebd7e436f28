using System.Diagnostics;
using System.Net.NetworkInformation;
using System.Text.Json;

namespace Aplo.Lab.Tests;

/// <summary>
/// The lab as <c>deploy/lab/lab-up</c> describes it in <c>nodes.json</c>. Refuses to load unless this process
/// runs inside the lab's network namespace, so no test can send lab traffic out of the machine.
/// </summary>
public sealed class LabEnvironment
{
    private LabEnvironment(string state, string hostIp, string sshConfig, string sshKey, string knownHosts, IReadOnlyList<LabNode> nodes)
    {
        State = state;
        HostIp = hostIp;
        SshConfig = sshConfig;
        SshKey = sshKey;
        KnownHosts = knownHosts;
        Nodes = nodes;
    }

    public string State { get; }

    public string HostIp { get; }

    public string SshConfig { get; }

    public string SshKey { get; }

    public string KnownHosts { get; }

    public IReadOnlyList<LabNode> Nodes { get; }

    public static LabEnvironment Load()
    {
        var state = Environment.GetEnvironmentVariable("APLO_LAB_STATE") is { Length: > 0 } s ? s : "/var/tmp/aplo-lab";
        var path = Path.Combine(state, "nodes.json");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The lab is not up ({path} is missing): run 'make lab-up'.");
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var hostIp = root.GetProperty("host_ip").GetString()!;
        var here = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Any(a => a.Address.ToString() == hostIp);
        if (!here)
        {
            throw new InvalidOperationException(
                $"This process is not inside the lab's network namespace (no interface has {hostIp}); run it through deploy/lab/lab-ns.");
        }

        var ssh = root.GetProperty("ssh");
        var nodes = root.GetProperty("nodes").EnumerateArray()
            .Select(n => new LabNode(
                n.GetProperty("name").GetString()!,
                n.GetProperty("ip").GetString()!,
                n.GetProperty("zone").GetInt32(),
                [.. n.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!)]))
            .ToList();
        return new LabEnvironment(
            state, hostIp, ssh.GetProperty("config").GetString()!, ssh.GetProperty("key").GetString()!,
            ssh.GetProperty("known_hosts").GetString()!, nodes);
    }

    /// <summary>
    /// Runs a command on a node with the system ssh client, independent of the code under test, to check what
    /// the node really holds.
    /// </summary>
    public Task<(int ExitCode, string Output)> OnNodeAsync(LabNode node, string command, CancellationToken ct) =>
        LocalAsync("ssh", ["-F", SshConfig, node.Name, "--", command], ct);

    /// <summary>Like <see cref="OnNodeAsync"/> but the command must succeed; returns its output.</summary>
    public async Task<string> MustAsync(LabNode node, string command, CancellationToken ct)
    {
        var (code, output) = await OnNodeAsync(node, command, ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"{node.Name}: '{command}' exited {code}: {output}");
        }

        return output;
    }

    /// <summary>The path of a deploy/lab script, found by walking up from the test binary to the repository.</summary>
    public static string Script(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", "lab", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"deploy/lab/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs a command on this host (inside the namespace); returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> LocalAsync(string file, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}

public sealed record LabNode(string Name, string Ip, int Zone, IReadOnlyList<string> Devices);
