using Aplo.Core.Errors;
using Aplo.Core.Validation;

namespace Aplo.Core.Tests.Validation;

/// <summary>Every value that can reach a node command: what passes and, above all, what must not.</summary>
public sealed class RulesTests
{
    [Theory]
    [InlineData("node1")]
    [InlineData("node1.example.com")]
    [InlineData("gluster-01.storage.example.org")]
    [InlineData("NODE1.Example.COM")]
    [InlineData("a")]
    [InlineData("node1.example.com.")]
    [InlineData("10.0.0.1")]
    [InlineData("192.168.122.254")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("2001:db8::8a2e:370:7334")]
    [InlineData("2001:0db8:0000:0000:0000:ff00:0042:8329")]
    [InlineData("::ffff:10.0.0.1")]
    public void IsHostname_ValidNameOrAddress_IsTrue(string value)
    {
        Assert.True(Rules.IsHostname(value));
    }

    [Fact]
    public void IsHostname_LongestLegalLabelAndName_IsTrue()
    {
        var label = new string('a', 63);
        Assert.True(Rules.IsHostname(label));
        var name = string.Join('.', Enumerable.Repeat(label, 3)) + "." + new string('b', 61);
        Assert.Equal(253, name.Length);
        Assert.True(Rules.IsHostname(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("node 1")]
    [InlineData("node_1")]
    [InlineData("-node")]
    [InlineData("node-")]
    [InlineData("node..example")]
    [InlineData(".node")]
    [InlineData("1.2")]
    [InlineData("10.0.1")]
    [InlineData("n1; rm -rf /")]
    [InlineData("10.0.0.1 && reboot")]
    [InlineData("10.0.0.1|nc")]
    [InlineData("$(reboot)")]
    [InlineData("`id`")]
    [InlineData("node1>out")]
    [InlineData("node1<in")]
    [InlineData("node1&")]
    [InlineData("node1'")]
    [InlineData("node1\"")]
    [InlineData("node1\\")]
    [InlineData("node1*")]
    [InlineData("node1\nnode2")]
    [InlineData("node1\t")]
    [InlineData("node1/x")]
    [InlineData("-oProxyCommand=x")]
    [InlineData("node1:22")]
    public void IsHostname_MalformedOrShellMetacharacters_IsFalse(string? value)
    {
        Assert.False(Rules.IsHostname(value));
    }

    /// <summary>
    /// .NET's <c>$</c> also matches before a final newline, so a pattern anchored with <c>^…$</c> alone lets
    /// "value\n" through. Go's regexp (Heketi) does not; a newline must never reach a node command.
    /// </summary>
    [Theory]
    [InlineData("node1\n")]
    [InlineData("node1.example.com\n")]
    public void IsHostname_TrailingNewline_IsFalse(string value)
    {
        Assert.False(Rules.IsHostname(value));
    }

    [Fact]
    public void DeviceName_TrailingNewline_ThrowsValidation()
    {
        Assert.Throws<AploException>(() => Rules.DeviceName("/dev/sdb\n"));
    }

    [Fact]
    public void VolumeName_TrailingNewline_ThrowsValidation()
    {
        Assert.Throws<AploException>(() => Rules.VolumeName("vol1\n"));
    }

    [Fact]
    public void Tags_KeyWithTrailingNewline_ThrowsValidation()
    {
        Assert.Throws<AploException>(() => Rules.Tags(new Dictionary<string, string> { ["rack\n"] = "r1" }));
    }

    [Fact]
    public void IsHostname_TooLong_IsFalse()
    {
        Assert.False(Rules.IsHostname(new string('a', 64)));
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4));
        Assert.Equal(255, name.Length);
        Assert.False(Rules.IsHostname(name));
    }

    [Fact]
    public void Hostname_Invalid_ThrowsValidationNamingTheField()
    {
        var ex = Assert.Throws<AploException>(() => Rules.Hostname("hostnames.manage", "bad host"));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
        Assert.StartsWith("validation failed: hostnames.manage", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bad host", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostname_Valid_DoesNotThrow()
    {
        Rules.Hostname("hostnames.storage", "10.0.0.1");
    }

    [Theory]
    [InlineData("/dev/sdb")]
    [InlineData("/dev/vdc")]
    [InlineData("/dev/nvme0n1p1")]
    [InlineData("/dev/mapper/vg-lv_data")]
    [InlineData("/dev/disk/by-id/wwn-0x5000c500a1b2c3d4")]
    [InlineData("/dev/disk/by-path/pci-0000:00:1f.2-ata-1")]
    [InlineData("/dev/disk/by-id/scsi-360014052e1c6c0b4b8a4b7f9e6d7c8a9")]
    public void DeviceName_ValidPath_DoesNotThrow(string value)
    {
        Rules.DeviceName(value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("sdb")]
    [InlineData("dev/sdb")]
    [InlineData("/dev/sd b")]
    [InlineData("/dev/sdb;reboot")]
    [InlineData("/dev/sdb && rm -rf /")]
    [InlineData("/dev/$(id)")]
    [InlineData("/dev/`id`")]
    [InlineData("/dev/sdb|cat")]
    [InlineData("/dev/sdb'")]
    [InlineData("/dev/sd*")]
    [InlineData("/dev/../etc/passwd")]
    [InlineData("/dev/sdb,/dev/sdc")]
    public void DeviceName_Invalid_ThrowsValidation(string? value)
    {
        var ex = Assert.Throws<AploException>(() => Rules.DeviceName(value));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
        Assert.StartsWith("validation failed: name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeviceName_LongerThan255_ThrowsValidation()
    {
        Rules.DeviceName("/" + new string('a', 254));
        Assert.Throws<AploException>(() => Rules.DeviceName("/" + new string('a', 255)));
    }

    [Theory]
    [InlineData("vol_1")]
    [InlineData("my-volume")]
    [InlineData("A")]
    [InlineData("vol_0123456789abcdef0123456789abcdef")]
    public void VolumeName_Valid_DoesNotThrow(string value)
    {
        Rules.VolumeName(value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("my volume")]
    [InlineData("vol.1")]
    [InlineData("vol/1")]
    [InlineData("vol;reboot")]
    [InlineData("$(id)")]
    [InlineData("völ")]
    public void VolumeName_Invalid_ThrowsValidation(string? value)
    {
        var ex = Assert.Throws<AploException>(() => Rules.VolumeName(value));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
    }

    [Fact]
    public void VolumeName_At128_IsAccepted_At129_IsRefused()
    {
        Rules.VolumeName(new string('v', 128));
        Assert.Throws<AploException>(() => Rules.VolumeName(new string('v', 129)));
    }

    [Theory]
    [InlineData("performance.rda-cache-limit 10MB", "performance.rda-cache-limit", "10MB")]
    [InlineData("user.heketi.arbiter true", "user.heketi.arbiter", "true")]
    [InlineData("  features.shard   on  ", "features.shard", "on")]
    [InlineData("auth.allow 10.0.0.1,10.0.0.2", "auth.allow", "10.0.0.1,10.0.0.2")]
    [InlineData("group gluster-block", "group", "gluster-block")]
    [InlineData("user.heketi.device-tag-match ssd=yes", "user.heketi.device-tag-match", "ssd=yes")]
    public void VolumeOption_KeyAndValue_IsSplitAtTheFirstSpace(string option, string key, string value)
    {
        var parsed = Rules.VolumeOption(option);
        Assert.NotNull(parsed);
        Assert.Equal(key, parsed.Value.Key);
        Assert.Equal(value, parsed.Value.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void VolumeOption_Empty_IsSkipped(string option)
    {
        Assert.Null(Rules.VolumeOption(option));
    }

    [Theory]
    [InlineData("performance.readdir-ahead")]
    [InlineData("key;reboot on")]
    [InlineData("$(id) on")]
    [InlineData("key|x on")]
    [InlineData("key\nvalue")]
    [InlineData("key value\u0007")]
    [InlineData("key val\nue")]
    public void VolumeOption_Malformed_ThrowsValidation(string option)
    {
        var ex = Assert.Throws<AploException>(() => Rules.VolumeOption(option));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
        Assert.StartsWith("validation failed: glustervolumeoptions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VolumeOption_ValueLongerThan1024_ThrowsValidation()
    {
        Assert.NotNull(Rules.VolumeOption("k " + new string('v', 1024)));
        Assert.Throws<AploException>(() => Rules.VolumeOption("k " + new string('v', 1025)));
    }

    [Fact]
    public void Tags_WithinLimits_DoesNotThrow()
    {
        Rules.Tags(null);
        Rules.Tags(new Dictionary<string, string>());
        Rules.Tags(new Dictionary<string, string> { ["arbiter"] = "required", ["rack.row-1_a"] = string.Empty, [new string('k', 32)] = new string('v', 64) });
        Rules.Tags(Enumerable.Range(0, 32).ToDictionary(i => "k" + i, i => "v"));
    }

    [Fact]
    public void Tags_MoreThan32_ThrowsValidation()
    {
        var ex = Assert.Throws<AploException>(() => Rules.Tags(Enumerable.Range(0, 33).ToDictionary(i => "k" + i, i => "v")));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("slash/key")]
    [InlineData("eq=key")]
    [InlineData("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk")]
    public void Tags_BadKey_ThrowsValidationNamingTheKey(string key)
    {
        var ex = Assert.Throws<AploException>(() => Rules.Tags(new Dictionary<string, string> { [key] = "v" }));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_BadValue_ThrowsValidation()
    {
        Assert.Throws<AploException>(() => Rules.Tags(new Dictionary<string, string> { ["k"] = new string('v', 65) }));
        Assert.Throws<AploException>(() => Rules.Tags(new Dictionary<string, string> { ["k"] = "line\nbreak" }));
        Assert.Throws<AploException>(() => Rules.Tags(new Dictionary<string, string> { ["k"] = null! }));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", true)]
    [InlineData("ab", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("xyz", false)]
    [InlineData("0123-4567", false)]
    public void IsId_Value_IsTrueOnlyForHex(string? value, bool expected)
    {
        Assert.Equal(expected, Rules.IsId(value));
    }

    [Fact]
    public void IsId_TrailingNewline_IsFalse()
    {
        Assert.False(Rules.IsId("0123456789abcdef0123456789abcdef\n"));
    }
}
