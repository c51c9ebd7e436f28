using Aplo.TestKit;

namespace Aplo.Cli.Tests;

/// <summary>Exit codes a script can branch on, and errors that say what to do.</summary>
public sealed class ExitCodeTests : IAsyncLifetime
{
    private CliHarness cli = null!;

    public async ValueTask InitializeAsync() => cli = await CliHarness.StartAsync(deviceSizeGiB: 40);

    public async ValueTask DisposeAsync() => await cli.DisposeAsync();

    [Fact]
    public async Task UnknownId_IsNotFound()
    {
        var result = await cli.RunAsync("volume", "info", new string('a', 32));
        Assert.Equal(ExitCodes.NotFound, result.Code);
        Assert.Equal("Error: Id not found\n", result.Err);
    }

    [Fact]
    public async Task NoSpace_SaysWhereTheLargestFreeSpaceIs()
    {
        await File.WriteAllTextAsync(cli.File("t.json"), CliHarness.ThreeNodeTopology, TestContext.Current.CancellationToken);
        await cli.OkAsync("topology", "load", "--json=t.json");
        var result = await cli.RunAsync("volume", "create", "--size=100", "--replica=3");
        Assert.Equal(ExitCodes.NoSpace, result.Code);
        Assert.StartsWith("Error: Failed to allocate new volume: No space", result.Err, StringComparison.Ordinal);
        Assert.Contains("GiB", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSecret_IsAnAuthError_WithAHint()
    {
        var variables = cli.Variables();
        variables["HEKETI_CLI_KEY"] = "wrong";
        var result = await cli.RunAsync(variables, "cluster", "list");
        Assert.Equal(ExitCodes.Auth, result.Code);
        Assert.Contains("signature is invalid", result.Err, StringComparison.Ordinal);
        Assert.Contains("HEKETI_CLI_KEY", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlagsWinOverTheEnvironment()
    {
        var variables = cli.Variables();
        variables["HEKETI_CLI_KEY"] = "wrong";
        variables["HEKETI_CLI_SERVER"] = "http://127.0.0.1:1";
        Assert.Equal(ExitCodes.Ok, (await cli.RunAsync(variables, "cluster", "list", "--secret", AploHost.AdminKey, "-s", cli.Host.Address.ToString())).Code);
    }

    [Fact]
    public async Task NoServer_IsUnreachable()
    {
        var result = await cli.RunAsync(new Dictionary<string, string>(), "--server=http://127.0.0.1:1", "cluster", "list");
        Assert.Equal(ExitCodes.Unreachable, result.Code);
        Assert.StartsWith("Error: cannot reach the server at http://127.0.0.1:1", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadCommandLines_AreUsageErrors()
    {
        var unknown = await cli.RunAsync("volume", "frobnicate");
        Assert.Equal(ExitCodes.Usage, unknown.Code);
        Assert.Contains("unknown command 'frobnicate' for 'aplo volume'", unknown.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("volume", "create")).Code);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("volume", "create", "--size=1", "--durability=mirror")).Code);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("volume", "create", "--size=1", "--persistent-volume")).Code);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("node", "add", "--zone=1")).Code);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("volume")).Code);
        var notAnId = await cli.RunAsync("volume", "info", "nope");
        Assert.Equal(ExitCodes.Usage, notAnId.Code);
        Assert.StartsWith("Error: volume id: 'nope' is not an id", notAnId.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_AndVersion_NeedNoServer()
    {
        var help = await cli.RunAsync(new Dictionary<string, string>(), "volume", "create", "--help");
        Assert.Equal(ExitCodes.Ok, help.Code);
        Assert.Contains("--persistent-volume-file=value", help.Out, StringComparison.Ordinal);
        Assert.Contains("--server=value", help.Out, StringComparison.Ordinal);
        Assert.Equal(help.Out, (await cli.RunAsync(new Dictionary<string, string>(), "help", "volume", "create")).Out);
        var top = await cli.RunAsync(new Dictionary<string, string>());
        Assert.Equal(ExitCodes.Ok, top.Code);
        Assert.Contains("topology", top.Out, StringComparison.Ordinal);
        Assert.StartsWith("aplo ", (await cli.RunAsync(new Dictionary<string, string>(), "--version")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutesTheServerLacks_SaySo()
    {
        // Heketi's examine route is not served (GET /reconcile is Aplo's): the error names the route instead of
        // a bare "Invalid path".
        var result = await cli.RunAsync("server", "state", "examine", "gluster");
        Assert.Equal(ExitCodes.NotFound, result.Code);
        Assert.Contains("this server does not serve GET /internal/state/examine/gluster", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbDumpAndCheck_PrintTheServersJson()
    {
        using var dump = System.Text.Json.JsonDocument.Parse(await cli.OkAsync("db", "dump"));
        foreach (var key in new[] { "clusterentries", "nodeentries", "deviceentries", "volumeentries", "brickentries" })
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Object, dump.RootElement.GetProperty(key).ValueKind);
        }

        using var check = System.Text.Json.JsonDocument.Parse(await cli.OkAsync("db", "check"));
        Assert.Equal(0, check.RootElement.GetProperty("totalinconsistencies").GetInt32());
    }

    [Fact]
    public async Task LogLevel_GetAndSet()
    {
        Assert.Equal("none\n", await cli.OkAsync("loglevel", "get"));
        Assert.Equal("Server log level is now debug\n", await cli.OkAsync("loglevel", "set", "debug"));
        Assert.Equal("debug\n", await cli.OkAsync("loglevel", "get"));
        Assert.Equal("""{"loglevel":{"glusterfs":"debug"}}""" + "\n", await cli.OkAsync("loglevel", "get", "--json"));
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("loglevel", "set", "loud")).Code);
    }
}
