using Aplo.TestKit;

namespace Aplo.Cli.Tests;

/// <summary>What one aplo run printed and returned.</summary>
public sealed record CliResult(int Code, string Out, string Err)
{
    public override string ToString() => $"exit {Code}\nstdout:\n{Out}\nstderr:\n{Err}";
}

/// <summary>
/// A real server in-process (simulated nodes, temp SQLite; sequential ids so output is reproducible) and a way to
/// run aplo against it in-process, with HEKETI_CLI_SERVER/USER/KEY set as an operator would set them.
/// </summary>
public sealed class CliHarness : IAsyncDisposable
{
    private CliHarness(AploHost host, string directory)
    {
        Host = host;
        Directory = directory;
    }

    public AploHost Host { get; }

    /// <summary>The working directory aplo runs in (topology files, manifests).</summary>
    public string Directory { get; }

    public bool Terminal { get; set; }

    public static async Task<CliHarness> StartAsync(long deviceSizeGiB = 500)
    {
        var host = await AploHost.StartAsync(deviceSizeGiB: deviceSizeGiB, ids: new SequentialIdGenerator(), cancellationToken: TestContext.Current.CancellationToken);
        var directory = Path.Combine(host.Directory, "work");
        System.IO.Directory.CreateDirectory(directory);
        return new CliHarness(host, directory);
    }

    /// <summary>A harness whose server already holds <see cref="ThreeNodeTopology"/>, loaded with aplo.</summary>
    public static async Task<CliHarness> StartLoadedAsync(long deviceSizeGiB = 500)
    {
        var cli = await StartAsync(deviceSizeGiB);
        await System.IO.File.WriteAllTextAsync(cli.File("topology.json"), ThreeNodeTopology, TestContext.Current.CancellationToken);
        await cli.OkAsync("topology", "load", "--json=topology.json");
        return cli;
    }

    public Dictionary<string, string> Variables() => new()
    {
        ["HEKETI_CLI_SERVER"] = Host.Address.ToString().TrimEnd('/'),
        ["HEKETI_CLI_USER"] = "admin",
        ["HEKETI_CLI_KEY"] = AploHost.AdminKey,
    };

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(Variables(), args);

    public async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> variables, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = new CliEnvironment
        {
            Variables = variables,
            WorkingDirectory = Directory,
            StderrIsTerminal = Terminal,
            PollInterval = TimeSpan.FromMilliseconds(5),
        };
        var code = await CliApp.RunAsync(args, stdout, stderr, environment, TestContext.Current.CancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs and asserts success; returns stdout.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.Code == 0, $"aplo {string.Join(' ', args)}: {result}");
        return result.Out;
    }

    public string File(string name) => Path.Combine(Directory, name);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    /// <summary>Three nodes in three zones with two devices each, in Heketi's topology.json format (both device forms).</summary>
    public const string ThreeNodeTopology = """
        {
          "clusters": [
            {
              "nodes": [
                { "node": { "hostnames": { "manage": ["node1.example"], "storage": ["10.0.1.1"] }, "zone": 1, "tags": { "rack": "a" } },
                  "devices": [ "/dev/sdb", { "name": "/dev/sdc", "destroydata": false, "tags": { "ssd": "yes" } } ] },
                { "node": { "hostnames": { "manage": ["node2.example"], "storage": ["10.0.2.1"] }, "zone": 2 },
                  "devices": [ "/dev/sdb", "/dev/sdc" ] },
                { "node": { "hostnames": { "manage": ["node3.example"], "storage": ["10.0.3.1"] }, "zone": 3 },
                  "devices": [ "/dev/sdb", "/dev/sdc" ] }
              ]
            }
          ]
        }
        """;
}
