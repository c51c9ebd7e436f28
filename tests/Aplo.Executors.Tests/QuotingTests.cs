using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports;
using Aplo.Executors.Transports.Ssh;

namespace Aplo.Executors.Tests;

/// <summary>Hostile values are run through a real bash: whatever they hold, they arrive as one intact argument.</summary>
public sealed class QuotingTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("aplo-quote-").FullName;
    private readonly LocalTransport bash = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Canary => Path.Combine(dir, "pwned");

    public static TheoryData<string> Hostile() =>
    [
        "it's",
        "'",
        "''",
        "a'; touch CANARY; echo '",
        "$(touch CANARY)",
        "`touch CANARY`",
        "${IFS}$(touch${IFS}CANARY)",
        "a; touch CANARY",
        "a && touch CANARY || touch CANARY",
        "two  spaces and\ttab",
        "line\nbreak; touch CANARY",
        "\"double\" \\back\\slash",
        "*",
        "~root",
        "!!",
        "-rf",
        "> CANARY",
        "",
    ];

    [Fact]
    public void Quote_SingleQuote_IsClosedEscapedAndReopened()
    {
        Assert.Equal(@"'it'\''s'", ShellQuote.Quote("it's"));
        Assert.Equal("'plain'", ShellQuote.Quote("plain"));
        Assert.Equal("''", ShellQuote.Quote(string.Empty));
    }

    [Fact]
    public void Quote_Nul_Throws()
    {
        Assert.Throws<ArgumentException>(() => ShellQuote.Quote("a\0b"));
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Quote_HostileValue_ReachesBashAsOneIntactArgument(string template)
    {
        var value = template.Replace("CANARY", Canary, StringComparison.Ordinal);

        var result = await bash.RunAsync("local", "printf '%s' " + ShellQuote.Quote(value) + "; printf '|%s' \"$#\"", TimeSpan.FromSeconds(10), Ct);

        Assert.True(result.Ok, result.StdErr);
        Assert.Equal(value + "|0", result.StdOut);
        Assert.False(File.Exists(Canary));
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Wrap_HostileValueInsideSshCommand_SurvivesBothShells(string template)
    {
        var value = template.Replace("CANARY", Canary, StringComparison.Ordinal);

        // sshd hands the wrapped line to the login shell, which runs /bin/bash -c with the inner command.
        var wrapped = SshTransport.Wrap("printf '%s' " + ShellQuote.Quote(value), sudo: false, TimeSpan.FromSeconds(10));
        var result = await bash.RunAsync("local", wrapped, TimeSpan.FromSeconds(10), Ct);

        Assert.True(result.Ok, result.StdErr);
        Assert.Equal(value, result.StdOut);
        Assert.False(File.Exists(Canary));
    }

    [Fact]
    public void Wrap_Sudo_PrefixesSudoAndBoundsTheRunOnTheNode()
    {
        Assert.Equal(
            @"sudo timeout -k 5 300 /bin/bash -c 'lvm pvs '\''/dev/sdb'\'''",
            SshTransport.Wrap("lvm pvs '/dev/sdb'", sudo: true, TimeSpan.FromMinutes(5)));
        Assert.Equal("timeout -k 5 2 /bin/bash -c 'true'", SshTransport.Wrap("true", sudo: false, TimeSpan.FromMilliseconds(1500)));
    }

    [Fact]
    public async Task Wrap_CommandPastTimeout_KillsItsWholeProcessGroup()
    {
        var marker = 5000 + Random.Shared.Next(1000);
        var wrapped = SshTransport.Wrap($"sleep {marker} & sleep {marker}; wait", sudo: false, TimeSpan.FromSeconds(1));

        var result = await bash.RunAsync("local", wrapped, TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(124, result.ExitCode);
        var left = await bash.RunAsync("local", $"pgrep -f '^sleep {marker}'", TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(1, left.ExitCode);
    }

    [Theory]
    [InlineData("a'; touch CANARY; echo '")]
    [InlineData("$(touch CANARY)")]
    [InlineData("on; touch CANARY")]
    [InlineData("`touch CANARY` \"x\" \\ *")]
    public async Task VolumeSet_HostileOptionValue_IsOneGlusterArgument(string template)
    {
        var value = template.Replace("CANARY", Canary, StringComparison.Ordinal);
        var volume = Requests.Volume(Requests.Replica3, 3, "vol1", ("user.note", value));
        var set = GlusterCommands.VolumeCreate(ExecutorSettings.Default, volume).Single(c => c.Contains("volume set", StringComparison.Ordinal));

        // A stand-in gluster prints its arguments one per line.
        var result = await bash.RunAsync("local", "gluster() { printf '%s\\n' \"$@\"; }; " + set, TimeSpan.FromSeconds(10), Ct);

        Assert.True(result.Ok, result.StdErr);
        Assert.Equal(["--mode=script", "--timeout=600", "volume", "set", "vol1", "user.note", value], result.StdOut.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(Canary));
    }

    [Theory]
    [InlineData("vol1; rm -rf /")]
    [InlineData("$(reboot)")]
    [InlineData("vol 1")]
    [InlineData("-force")]
    [InlineData("")]
    public async Task VolumeCreate_HostileName_IsRefusedBeforeAnyCommand(string name)
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumeCreateAsync("10.0.0.1", Requests.Volume(Requests.Replica3, 3, name), Ct));

        Assert.Contains("refusing", ex.Message, StringComparison.Ordinal);
        Assert.Empty(transport.Commands);
    }

    [Theory]
    [InlineData("node1;reboot")]
    [InlineData("$(id)")]
    [InlineData("-oProxyCommand=x")]
    [InlineData("node 1")]
    public async Task AnyCall_HostileHost_IsRefusedBeforeAnyCommand(string host)
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await Assert.ThrowsAsync<ExecutorException>(() => executor.GlusterdCheckAsync(host, Ct));
        await Assert.ThrowsAsync<ExecutorException>(() => executor.PeerProbeAsync("10.0.0.1", host, Ct));

        Assert.Empty(transport.Commands);
    }

    [Theory]
    [InlineData("/dev/sdb; reboot")]
    [InlineData("/dev/../etc/passwd")]
    [InlineData("dev/sdb")]
    [InlineData("/dev/sd b")]
    [InlineData("/dev/$(id)")]
    public async Task DeviceSetup_HostileDevice_IsRefusedBeforeAnyCommand(string device)
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceSetupAsync("10.0.0.1", new DeviceRequest("8f3e2b1a", device, false), Ct));

        Assert.Empty(transport.Commands);
    }

    [Theory]
    [InlineData("8f3e2b1a;x", "/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42/brick")]
    [InlineData("c0ffee42", "/var/lib/heketi/mounts/../../../etc/brick")]
    [InlineData("c0ffee42", "/brick")]
    [InlineData("c0ffee42", "/var/lib/heketi/mounts/vg_x/brick_$(id)/brick")]
    public async Task BrickCreate_HostileIdOrPath_IsRefusedBeforeAnyCommand(string brickId, string path)
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);
        var brick = new BrickRequest(brickId, "vg_8f3e2b1a", path, 1048576, 1048576, 8192, 0, BrickRole.Data);

        await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickCreateAsync("10.0.0.1", brick, Ct));

        Assert.Empty(transport.Commands);
    }

    [Fact]
    public void Settings_HostileMountOptions_AreRefused()
    {
        var settings = ExecutorSettings.Default with { MountOptions = "rw; reboot" };

        Assert.Throws<ArgumentException>(() => new GlusterExecutor(new FakeTransport(), settings));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
