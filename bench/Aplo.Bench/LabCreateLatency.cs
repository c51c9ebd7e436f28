using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aplo.Client;
using Aplo.Contracts;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports;
using Aplo.Executors.Transports.Ssh;
using Aplo.Server;
using Aplo.Server.Configuration;

namespace Aplo.Bench;

/// <summary>
/// The issue-3 benchmark, on the real lab: the end-to-end latency of a 1 GiB replica-3 create through
/// aplo-server (POST to the volume's JSON) against the floor, which is the very same commands Aplo sent,
/// replayed one after another over the same kind of SSH connection. Run inside the lab namespace:
/// <c>deploy/lab/lab-ns dotnet run -c Release --project bench/Aplo.Bench -- lab</c>.
/// </summary>
internal static class LabCreateLatency
{
    public static async Task RunAsync(int rounds, TextWriter output, CancellationToken ct)
    {
        var state = Environment.GetEnvironmentVariable("APLO_LAB_STATE") is { Length: > 0 } s ? s : "/var/tmp/aplo-lab";
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(state, "nodes.json"), ct));
        var root = doc.RootElement;
        var ssh = new SshTransportOptions
        {
            KeyFile = root.GetProperty("ssh").GetProperty("key").GetString()!,
            User = "root",
            KnownHostsFile = root.GetProperty("ssh").GetProperty("known_hosts").GetString(),
        };
        var nodes = root.GetProperty("nodes").EnumerateArray()
            .Select(n => (Ip: n.GetProperty("ip").GetString()!, Zone: n.GetProperty("zone").GetInt32(), Device: n.GetProperty("devices")[0].GetString()!))
            .ToList();
        await WipeAsync(ct);

        var directory = Path.Combine(Path.GetTempPath(), "aplo-lab-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var transport = new SshTransport(ssh);
        var recorder = new RecordingTransport(transport);
        var executor = new GlusterExecutor(recorder, ExecutorSettings.Default);
        var options = new ServerOptions
        {
            ListenAddress = "127.0.0.1",
            Port = 0,
            AuthEnabled = false,
            Executor = "ssh",
            DbPath = Path.Combine(directory, "aplo.db"),
            LogLevel = "warning",
        };
        await using var app = await AploServer.BuildAsync(options, ct, executor);
        await app.StartAsync(ct);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = app.Address(), Timeout = TimeSpan.FromMinutes(10) };
            var client = new HeketiClient(http, "admin", "unused") { LongPoll = TimeSpan.FromSeconds(30) };
            var cluster = await client.ClusterCreateAsync(new ClusterCreateRequest { File = true }, ct);
            foreach (var (ip, zone, device) in nodes)
            {
                var node = await client.NodeAddAsync(new NodeAddRequest { ClusterId = cluster.Id, Zone = zone, Hostnames = new() { Manage = [ip], Storage = [ip] } }, ct);
                await client.DeviceAddAsync(new DeviceAddRequest { NodeId = node.Id, Name = device }, ct);
            }

            output.WriteLine($"# Replica-3 create on the real lab ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {nodes.Count} UML nodes)");
            output.WriteLine();
            output.WriteLine("| round | Aplo create (s) | floor: same commands in sequence (s) | Aplo ÷ floor | commands | Σ command time in Aplo's run (s) |");
            output.WriteLine("|---:|---:|---:|---:|---:|---:|");
            var ratios = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                recorder.Start();
                var watch = Stopwatch.StartNew();
                var volume = await client.VolumeCreateAsync(
                    new VolumeCreateRequest { Size = 1, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, ct);
                var aplo = watch.Elapsed;
                var create = recorder.Stop();

                recorder.Start();
                await client.VolumeDeleteAsync(volume.Id, ct);
                var delete = recorder.Stop();

                // The floor: the create's commands, one after another, then its delete's to clean up.
                var floor = await ReplayAsync(transport, create, ct);
                await ReplayAsync(transport, delete, ct);

                var ratio = aplo / floor;
                ratios.Add(ratio);
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {round} | {aplo.TotalSeconds:0.00} | {floor.TotalSeconds:0.00} | {ratio:0.00} | {create.Count} | {create.Sum(c => c.Duration.TotalSeconds):0.00} |"));
            }

            ratios.Sort();
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median Aplo ÷ floor: {ratios[ratios.Count / 2]:0.00} (target ≤ 1.20)"));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await WipeAsync(CancellationToken.None);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<TimeSpan> ReplayAsync(ICommandTransport transport, IReadOnlyList<RecordedCommand> commands, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        foreach (var c in commands)
        {
            var result = await transport.RunAsync(c.Host, c.Command, TimeSpan.FromMinutes(11), ct);
            if (!result.Ok && !c.Command.Contains("umount", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"replay on {c.Host} failed ({result.ExitCode}): {c.Command}: {result.StdErr}");
            }
        }

        return watch.Elapsed;
    }

    private static async Task WipeAsync(CancellationToken ct)
    {
        var script = Path.Combine(FindRepository(), "deploy", "lab", "lab-wipe");
        using var process = Process.Start(new ProcessStartInfo(script) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("lab-wipe failed: " + await process.StandardError.ReadToEndAsync(ct));
        }
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Aplo.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Aplo.slnx not found above " + AppContext.BaseDirectory);
    }
}
