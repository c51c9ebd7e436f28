using Aplo.Core.Execution;
using Aplo.Executors.Gluster;

namespace Aplo.Executors.Tests;

public sealed class GlusterXmlTests
{
    [Fact]
    public void ParseVolumeInfo_ArbiterAndDisperse_ReadsEveryField()
    {
        var volumes = GlusterXml.ParseVolumeInfo("n1", GlusterSamples.VolumeInfo);

        Assert.Equal(2, volumes.Count);
        var arb = volumes[0];
        Assert.Equal("vol_arb", arb.Name);
        Assert.Equal("5d1c2a0e-7a55-4c47-9a57-1f0f5c9f1d0b", arb.Id);
        Assert.True(arb.Started);
        Assert.Equal((3, 3, 1, 2, "Replicate"), (arb.BrickCount, arb.ReplicaCount, arb.ArbiterCount, arb.Type, arb.TypeStr));
        Assert.Equal([false, false, true], arb.Bricks.Select(b => b.IsArbiter));
        Assert.Equal("10.0.0.3", arb.Bricks[2].Host);
        Assert.Equal("/var/lib/heketi/mounts/vg_d3/brick_b3/brick", arb.Bricks[2].Path);
        Assert.Equal("a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c03", arb.Bricks[2].Uuid);
        Assert.Equal("a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c03", arb.Bricks[2].HostUuid);
        Assert.Equal(new KeyValuePair<string, string>("user.heketi.id", "2f9a0c8e6d1b4e7f8a9b0c1d2e3f4a5b"), arb.Options[0]);
        Assert.Equal(3, arb.Options.Count);

        var ec = volumes[1];
        Assert.False(ec.Started);
        Assert.Equal((6, 6, 2, "Disperse"), (ec.BrickCount, ec.DisperseCount, ec.RedundancyCount, ec.TypeStr));
        Assert.Empty(ec.Options);
    }

    [Fact]
    public void ParseVolumeInfo_OpRetFailure_ThrowsWithErrorString()
    {
        var ex = Assert.Throws<ExecutorException>(() => GlusterXml.ParseVolumeInfo("n1", GlusterSamples.VolumeInfoError));

        Assert.Equal("n1", ex.Host);
        Assert.Contains("opRet=-1 opErrno=30806 opErrstr=Volume nope does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseVolumeInfo_ErrorStringWithOpRetZero_Throws()
    {
        var ex = Assert.Throws<ExecutorException>(() => GlusterXml.ParseVolumeInfo("n1", GlusterSamples.VolumeInfoErrorStringOnly));

        Assert.Contains("Locking failed on 10.0.0.3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseVolumeInfo_WarningLineBeforeXml_IsSkipped()
    {
        var volumes = GlusterXml.ParseVolumeInfo("n1", "Warning: something noisy\n" + GlusterSamples.VolumeInfo);

        Assert.Equal(2, volumes.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Connection failed. Please check if gluster daemon is operational.")]
    [InlineData("<cliOutput><opRet>0</opRet>")]
    [InlineData("<other/>")]
    public void ParseVolumeInfo_NotGlusterXml_Throws(string text)
    {
        Assert.Throws<ExecutorException>(() => GlusterXml.ParseVolumeInfo("n1", text));
    }

    [Fact]
    public void ParseVolumeInfo_Dtd_IsRefused()
    {
        const string Xxe = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><cliOutput><opRet>0</opRet><opErrstr>&e;</opErrstr></cliOutput>""";

        Assert.Throws<ExecutorException>(() => GlusterXml.ParseVolumeInfo("n1", Xxe));
    }

    [Fact]
    public void ParseHealInfo_Sample_SkipsUnavailableAndReadsDashAsUnknown()
    {
        var bricks = GlusterXml.ParseHealInfo("n1", GlusterSamples.HealInfo);

        Assert.Equal(2, bricks.Count);
        Assert.Equal(new GlusterHealBrick("0e1f6b1e-58b8-4e0d-8f0a-6f2d3b9a1c01", "10.0.0.1:/var/lib/heketi/mounts/vg_d1/brick_b1/brick", "Connected", 0), bricks[0]);
        Assert.Null(bricks[1].NumberOfEntries);
        Assert.Equal("Transport endpoint is not connected", bricks[1].Status);
    }

    [Fact]
    public void BrickInfo_Ipv6Host_SplitsAtPath()
    {
        var brick = new GlusterBrickInfo("u", "fd00::1:/bricks/b1", "h", false);

        Assert.Equal(("fd00::1", "/bricks/b1"), (brick.Host, brick.Path));
    }

    [Fact]
    public void ParseVolumeInfo_LabReply_ReadsGluster10Output()
    {
        var v = Assert.Single(GlusterXml.ParseVolumeInfo("n1", GlusterLabSamples.VolumeInfo));

        Assert.Equal(("lab_5edfc55c", 3, 3, 0, "Replicate", true), (v.Name, v.BrickCount, v.ReplicaCount, v.StripeCount, v.TypeStr, v.Started));
        Assert.Equal(["10.213.13.11", "10.213.13.12", "10.213.13.13"], v.Bricks.Select(b => b.Host));
        Assert.All(v.Bricks, b => Assert.Equal(b.HostUuid, b.Uuid));
        Assert.Equal(6, v.Options.Count);
        Assert.Contains(new KeyValuePair<string, string>("performance.client-io-threads", "off"), v.Options);
    }

    [Fact]
    public void ParseVolumeInfo_LabReplyForMissingVolume_Throws()
    {
        var ex = Assert.Throws<ExecutorException>(() => GlusterXml.ParseVolumeInfo("n1", GlusterLabSamples.VolumeInfoMissing));

        Assert.Contains("opRet=-1 opErrno=30806 opErrstr=Volume does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseHealInfo_LabReply_GivesThreeCleanBricks()
    {
        var bricks = GlusterXml.ParseHealInfo("n1", GlusterLabSamples.HealInfo);

        Assert.Equal(3, bricks.Count);
        Assert.All(bricks, b => Assert.Equal(("Connected", (long?)0), (b.Status, b.NumberOfEntries)));
    }
}
