using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Globalization;
using Aplo.Cli;
using Aplo.Client;
using Aplo.Server;

namespace Aplo.Bench;

/// <summary>
/// The issue-6 target: topology info at 10,000 volumes. The API workload's topology (12 nodes, 3 zones, 4 devices of
/// 1 TiB) filled with 1 GiB replica-3 volumes; then, one client at a time: GET /topology, aplo topology info (JSON
/// and table, in-process, against the server), and the same read done as heketi-cli does it (1 + 1 + volumes + nodes
/// requests, 8 at a time). Baseline: GET /hello, sequential, same run.
/// </summary>
internal static class TopologyRead
{
    public static async Task RunAsync(bool quick, TextWriter output, CancellationToken ct)
    {
        var volumes = quick ? 1_000 : 10_000;
        var rounds = quick ? 5 : 20;
        var directory = Path.Combine(Path.GetTempPath(), "aplo-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var app = await AploServer.BuildAsync(ApiThroughput.Options(directory), ct);
        await app.StartAsync(ct);
        try
        {
            var address = app.Address();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, AllowAutoRedirect = false }) { BaseAddress = address };
            var client = new HeketiClient(http, "admin", "bench-admin") { LongPoll = TimeSpan.FromSeconds(30) };
            var cluster = await ApiThroughput.BuildTopologyAsync(client, ct);
            await ApiThroughput.RunAsync(volumes, _ => ApiThroughput.CreateAsync(client, 1, ct), ct);

            output.WriteLine($"# Topology read at {volumes:N0} volumes ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)");
            output.WriteLine();
            var hello = await TimeAsync(rounds * 50, async () =>
            {
                using var r = await http.GetAsync("/hello", ct);
                r.EnsureSuccessStatusCode();
            }, ct);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline GET /hello (sequential): p50 {hello.Percentile(50):0.00} ms"));
            output.WriteLine();
            output.WriteLine("| read | p50 ms | p99 ms | p50 ÷ hello p50 |");
            output.WriteLine("|---|---:|---:|---:|");

            long bytes = 0;
            async Task GetTopologyAsync()
            {
                using var r = await client.SendAsync(HttpMethod.Get, "/topology", null, ct);
                bytes = (await r.Content.ReadAsByteArrayAsync(ct)).Length;
            }

            // Cold: every read follows a change (a node tag), so the server builds the answer afresh.
            var nodeId = (await client.ClusterInfoAsync(cluster, ct)).Nodes[0];
            var change = 0;
            var cold = new Stats();
            var topology = app.Services.GetRequiredService<Aplo.Core.Topology.TopologyManager>();
            var fragments = new Aplo.Server.Http.TopologyJsonCache();
            var build = new Stats();
            async Task ChangeAsync()
            {
                using var tag = await client.SendAsync(
                    HttpMethod.Post, $"/nodes/{nodeId}/tags", new StringContent($$"""{"tags":{"bench":"{{change++}}"},"change_type":"update"}""", System.Text.Encoding.UTF8, "application/json"), ct);
                tag.EnsureSuccessStatusCode();
            }

            for (var round = 0; round <= rounds; round++)
            {
                await ChangeAsync();

                // The server's own part on a cache like the route's (which this does not warm): gather under the read
                // lock, serialize what changed, stitch.
                var b = Stopwatch.GetTimestamp();
                fragments.Get(topology);
                var built = Stopwatch.GetElapsedTime(b).TotalMilliseconds;
                var t = Stopwatch.GetTimestamp();
                await GetTopologyAsync();
                if (round > 0)
                {
                    cold.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    build.Add(built);
                }
            }

            Row(output, $"GET /topology after a change ({bytes / 1024.0 / 1024.0:0.0} MiB)", cold, hello);
            Row(output, "  of which: the answer rebuilt from cached fragments (server)", build, hello);
            var route = await TimeAsync(rounds, GetTopologyAsync, ct);
            Row(output, "GET /topology, unchanged", route, hello);

            var environment = new CliEnvironment
            {
                Variables = new Dictionary<string, string>
                {
                    ["HEKETI_CLI_SERVER"] = address.ToString(),
                    ["HEKETI_CLI_USER"] = "admin",
                    ["HEKETI_CLI_KEY"] = "bench-admin",
                },
            };
            Row(output, "aplo topology info --json", await TimeAsync(rounds, () => CliAsync(environment, ct, "topology", "info", "--json"), ct), hello);
            Row(output, "aplo topology info (tables)", await TimeAsync(rounds, () => CliAsync(environment, ct, "topology", "info"), ct), hello);
            // What the tables read: the brief answer.
            byte[] raw = [];
            Row(output, "GET /topology?brief=true, unchanged", await TimeAsync(rounds, async () =>
            {
                using var r = await client.SendAsync(HttpMethod.Get, "/topology?brief=true", null, ct);
                raw = await r.Content.ReadAsByteArrayAsync(ct);
            }, ct), hello);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| (brief answer: {raw.Length / 1024.0 / 1024.0:0.0} MiB) | | | |"));
            TopologySummary? parsed = null;
            Row(output, "  of which: reading what the tables show from the JSON in aplo", await TimeAsync(rounds, () =>
            {
                parsed = TopologySummary.Parse(raw);
                return Task.CompletedTask;
            }, ct), hello);
            Row(output, "  of which: rendering the tables", await TimeAsync(rounds, () =>
            {
                TopologyCommands.Render(parsed!);
                return Task.CompletedTask;
            }, ct), hello);

            // As a person runs it: the published binary (make build), process start included. Baseline: the same
            // binary printing its version, which is the cost of starting the process alone.
            if (AploBinary() is { } aplo)
            {
                var variables = environment.Variables;
                var start = await TimeAsync(rounds, () => ProcessAsync(aplo, variables, ct, "--version"), ct);
                Row(output, "bin/aplo --version (process start only)", start, hello);
                Row(output, "bin/aplo topology info --json (process)", await TimeAsync(rounds, () => ProcessAsync(aplo, variables, ct, "topology", "info", "--json"), ct), hello);
                Row(output, "bin/aplo topology info (process, tables)", await TimeAsync(rounds, () => ProcessAsync(aplo, variables, ct, "topology", "info"), ct), hello);
                var afterChange = new Stats();
                for (var round = 0; round <= rounds; round++)
                {
                    await ChangeAsync();
                    var t = Stopwatch.GetTimestamp();
                    await ProcessAsync(aplo, variables, ct, "topology", "info");
                    if (round > 0)
                    {
                        afterChange.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    }
                }

                Row(output, "bin/aplo topology info (process, tables) after a change", afterChange, hello);
            }
            else
            {
                output.WriteLine("| bin/aplo rows left out: no .build/aplo/aplo (run make build) | | | |");
            }

            // heketi-cli's way: clusters, the cluster, every volume, every node.
            var fanout = await TimeAsync(quick ? 1 : 3, async () =>
            {
                await client.ClusterListAsync(ct);
                var info = await client.ClusterInfoAsync(cluster, ct);
                await ApiThroughput.RunAsync(info.Volumes.Count, i => client.VolumeInfoAsync(info.Volumes[i], ct), ct);
                await ApiThroughput.RunAsync(info.Nodes.Count, i => client.NodeInfoAsync(info.Nodes[i], ct), ct);
            }, ct);
            Row(output, $"fan-out as heketi-cli ({volumes + 14:N0} requests, 8 at a time)", fanout, hello);
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fan-out p50 ÷ GET /topology p50: {fanout.Percentile(50) / route.Percentile(50):0.0}"));
        }
        finally
        {
            await ApiThroughput.StopAsync(app, directory);
        }
    }

    private static async Task CliAsync(CliEnvironment environment, CancellationToken ct, params string[] args)
    {
        var code = await CliApp.RunAsync(args, TextWriter.Null, TextWriter.Null, environment, ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"aplo {string.Join(' ', args)} exited {code}");
        }
    }

    /// <summary>The binary <c>make build</c> publishes, found from the repository root above this program.</summary>
    private static string? AploBinary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Aplo.slnx")))
            {
                var path = Path.Combine(dir.FullName, ".build", "aplo", "aplo");
                return File.Exists(path) ? path : null;
            }
        }

        return null;
    }

    /// <summary>Runs the binary to its end with the output read and dropped, as a terminal would take it.</summary>
    private static async Task ProcessAsync(string path, IReadOnlyDictionary<string, string> variables, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in variables)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {path}");
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{path} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        }
    }

    /// <summary>One untimed warm-up call, then <paramref name="count"/> timed sequential calls.</summary>
    private static async Task<Stats> TimeAsync(int count, Func<Task> call, CancellationToken ct)
    {
        await call();
        var stats = new Stats();
        for (var i = 0; i < count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var t = Stopwatch.GetTimestamp();
            await call();
            stats.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        return stats;
    }

    private static void Row(TextWriter output, string what, Stats stats, Stats hello) =>
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {what} | {stats.Percentile(50):0.0} | {stats.Percentile(99):0.0} | {stats.Percentile(50) / hello.Percentile(50):0} |"));
}
