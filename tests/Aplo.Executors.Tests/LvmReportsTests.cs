using Aplo.Core.Execution;
using Aplo.Executors.Gluster;

namespace Aplo.Executors.Tests;

public sealed class LvmReportsTests
{
    [Fact]
    public void ParseVolumeGroup_Report_GivesExactKiB()
    {
        var size = LvmReports.ParseVolumeGroup("n1", LvmSamples.Vgs("vg_a", 2559, 2300), "vg_a");

        Assert.Equal(new VolumeGroupSize(4096, 2559, 2300), size);
        Assert.Equal(10481664, size.TotalKiB);
        Assert.Equal(9420800, size.FreeKiB);
        Assert.Equal(1060864, size.UsedKiB);
    }

    [Fact]
    public void ParseVolumeGroup_WarningBeforeJson_IsSkipped()
    {
        var text = "  WARNING: Failed to connect to lvmetad. Falling back to device scanning.\n" + LvmSamples.Vgs("vg_a", 10, 10);

        Assert.Equal(40960, LvmReports.ParseVolumeGroup("n1", text, "vg_a").TotalKiB);
    }

    [Fact]
    public void ParseVolumeGroup_OtherGroupOnly_Throws()
    {
        var ex = Assert.Throws<ExecutorException>(() => LvmReports.ParseVolumeGroup("n1", LvmSamples.Vgs("vg_b", 10, 10), "vg_a"));

        Assert.Contains("vg_a", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"report\": 3}")]
    [InlineData("{\"report\": [{\"vg\": [{\"vg_name\":\"vg_a\", \"vg_extent_size\":\"x\", \"vg_extent_count\":\"1\", \"vg_free_count\":\"1\"}]}]}")]
    public void ParseVolumeGroup_Garbage_Throws(string text)
    {
        Assert.Throws<ExecutorException>(() => LvmReports.ParseVolumeGroup("n1", text, "vg_a"));
    }

    [Fact]
    public void ParsePvUuid_Report_GivesUuid()
    {
        Assert.Equal("Wb3x1e-2Tq9-QqfS-0mQe-7ZJk-Hc1d-yUe0nP", LvmReports.ParsePvUuid("n1", LvmSamples.Pvs("/dev/sdb", "vg_a")));
    }
}
