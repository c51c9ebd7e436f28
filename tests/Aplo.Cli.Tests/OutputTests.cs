namespace Aplo.Cli.Tests;

public sealed class OutputTests
{
    [Theory]
    [InlineData(0, false, "0 KiB")]
    [InlineData(512, false, "512 KiB")]
    [InlineData(1024, false, "1 MiB")]
    [InlineData(37L * 1024 * 1024, false, "37 GiB")]
    [InlineData((37L * 1024 * 1024) - 1, false, "36.9 GiB")]
    [InlineData((37L * 1024 * 1024) + 1, true, "37.1 GiB")]
    [InlineData(1536L * 1024 * 1024, false, "1.5 TiB")]
    public void Sizes_AreHumanAndNeverOverstateFreeSpace(long kib, bool up, string expected) =>
        Assert.Equal(expected, Output.KiB(kib, up));

    [Fact]
    public void Tables_PadColumns_AndAlignNumbersRight()
    {
        var table = Output.Table(["NAME", "SIZE"], [["a", "1 GiB"], ["long-name", "10 GiB"]], 1);
        Assert.Equal("NAME         SIZE\na           1 GiB\nlong-name  10 GiB\n", table);
    }
}
