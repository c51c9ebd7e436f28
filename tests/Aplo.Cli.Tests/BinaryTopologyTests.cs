using System.Diagnostics;

namespace Aplo.Cli.Tests;

/// <summary>
/// <c>topology info</c> through the binary's real stdout, where the JSON is written as bytes rather than text:
/// what a pipe receives must be the server's answer byte for byte, and the tables must be what the in-process run
/// prints.
/// </summary>
public sealed class BinaryTopologyTests : IAsyncLifetime
{
    private CliHarness cli = null!;

    public async ValueTask InitializeAsync()
    {
        cli = await CliHarness.StartLoadedAsync();
        await cli.OkAsync("volume", "create", "--size=3", "--replica=3", "--name=app-data");
        await cli.OkAsync("volume", "create", "--size=2", "--durability=disperse", "--disperse-data=2", "--redundancy=1");
    }

    public async ValueTask DisposeAsync() => await cli.DisposeAsync();

    [Fact]
    public async Task TopologyInfoJson_OnAPipe_IsTheServersAnswerAndOneNewline()
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await cli.Host.Admin().SendAsync(HttpMethod.Get, "/topology", null, ct);
        var expected = await response.Content.ReadAsByteArrayAsync(ct);
        Assert.True(expected.Length > 1000, "the topology should not be trivial");

        var (code, stdout, stderr) = await RunAsync(ct, "topology", "info", "--json");

        Assert.True(code == 0, stderr);
        Assert.Equal([.. expected.AsSpan().TrimEnd((byte)'\n'), (byte)'\n'], stdout);
    }

    [Fact]
    public async Task TopologyInfo_OnAPipe_PrintsTheSameTablesAsInProcess()
    {
        var ct = TestContext.Current.CancellationToken;
        var inProcess = await cli.OkAsync("topology", "info");

        var (code, stdout, stderr) = await RunAsync(ct, "topology", "info");

        Assert.True(code == 0, stderr);
        Assert.Equal(inProcess, System.Text.Encoding.UTF8.GetString(stdout));
    }

    [Fact]
    public async Task Tables_FromTheBriefAnswer_AreTheTablesOfTheFullAnswer()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = cli.Host.Admin();
        using var full = await admin.SendAsync(HttpMethod.Get, "/topology", null, ct);
        using var brief = await admin.SendAsync(HttpMethod.Get, "/topology?brief=true", null, ct);
        var fullBytes = await full.Content.ReadAsByteArrayAsync(ct);
        var briefBytes = await brief.Content.ReadAsByteArrayAsync(ct);

        var tables = TopologyCommands.Render(TopologySummary.Parse(fullBytes));

        Assert.Equal(tables, TopologyCommands.Render(TopologySummary.Parse(briefBytes)));
        Assert.Contains("app-data", tables, StringComparison.Ordinal);
        Assert.True(briefBytes.Length < fullBytes.Length, $"brief {briefBytes.Length} bytes, full {fullBytes.Length}");
    }

    private async Task<(int Code, byte[] Out, string Err)> RunAsync(CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo(AploBinary.Path, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in cli.Variables())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout, ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await copy;
        return (process.ExitCode, stdout.ToArray(), await stderr);
    }
}
