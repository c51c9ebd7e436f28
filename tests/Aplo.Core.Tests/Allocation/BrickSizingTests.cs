using Aplo.Core.Allocation;

namespace Aplo.Core.Tests.Allocation;

/// <summary>Reference §4.2: tp = ceil_to_extent(brick × snapFactor); meta = ceil_to_extent(min(tp × 0.005, 16 GiB)).</summary>
public sealed class BrickSizingTests
{
    private const long MiB = 1024;
    private const long GiB = 1024 * 1024;
    private const long Extent = 4 * MiB;

    [Fact]
    public void SpaceNeeded_HeketiReferenceExample100GiB_MatchesTheDocumentedNumbers()
    {
        var (thinPool, metadata) = BrickSizing.SpaceNeeded(100 * GiB, 1f, Extent);

        Assert.Equal(104_857_600, thinPool);
        Assert.Equal(524_288, metadata);
        Assert.Equal(105_381_888, thinPool + metadata);
    }

    [Theory]
    [InlineData(4L * 1024 * GiB)]
    [InlineData(3400L * GiB)]
    [InlineData(10L * 1024 * GiB)]
    public void SpaceNeeded_LargeBrick_CapsMetadataAt16GiB(long brickKiB)
    {
        var (thinPool, metadata) = BrickSizing.SpaceNeeded(brickKiB, 1f, Extent);

        Assert.True(thinPool * 5 / 1000 > 16 * GiB, "the example must be past the cap");
        Assert.Equal(16 * GiB, metadata);
        Assert.Equal(CeilTo(brickKiB, Extent), thinPool);
    }

    [Fact]
    public void SpaceNeeded_JustBelowTheCap_IsNotCapped()
    {
        var brick = 3200L * GiB;
        var (thinPool, metadata) = BrickSizing.SpaceNeeded(brick, 1f, Extent);
        Assert.Equal(CeilTo(CeilDiv(thinPool * 5, 1000), Extent), metadata);
        Assert.True(metadata <= 16 * GiB);
    }

    [Theory]
    [InlineData(10, 1.5f, 15)]
    [InlineData(10, 2f, 20)]
    [InlineData(8, 1.25f, 10)]
    [InlineData(1, 100f, 100)]
    public void SpaceNeeded_SnapshotFactor_MultipliesTheThinPool(long brickGiB, float factor, long expectedThinPoolGiB)
    {
        var (thinPool, metadata) = BrickSizing.SpaceNeeded(brickGiB * GiB, factor, Extent);

        Assert.Equal(expectedThinPoolGiB * GiB, thinPool);
        Assert.Equal(CeilTo(CeilDiv(expectedThinPoolGiB * GiB * 5, 1000), Extent), metadata);
    }

    [Theory]
    [InlineData(GiB + 1)]
    [InlineData(GiB + Extent - 1)]
    [InlineData(3 * MiB)]
    [InlineData(12345)]
    public void SpaceNeeded_SizeNotOnAnExtent_RoundsBothPartsUpToWholeExtents(long brickKiB)
    {
        var (thinPool, metadata) = BrickSizing.SpaceNeeded(brickKiB, 1f, Extent);

        Assert.Equal(0, thinPool % Extent);
        Assert.Equal(0, metadata % Extent);
        Assert.True(thinPool >= brickKiB);
        Assert.True(thinPool - brickKiB < Extent);
        Assert.Equal(CeilTo(brickKiB, Extent), thinPool);
        Assert.Equal(CeilTo(CeilDiv(thinPool * 5, 1000), Extent), metadata);
    }

    [Fact]
    public void SpaceNeeded_OtherExtentSize_RoundsToThatExtent()
    {
        const long extent = 32 * MiB;
        var (thinPool, metadata) = BrickSizing.SpaceNeeded(GiB + 1, 1f, extent);

        Assert.Equal(33 * extent, thinPool);
        Assert.Equal(extent, metadata);
    }

    [Fact]
    public void SpaceNeeded_ExactlyOnExtents_AddsNothing()
    {
        var (thinPool, _) = BrickSizing.SpaceNeeded(256 * Extent, 1f, Extent);
        Assert.Equal(256 * Extent, thinPool);
    }

    [Theory]
    [InlineData(100 * GiB, 64, 1_638_400)]
    [InlineData(1024 * GiB, 64, 16 * GiB)]
    [InlineData(1000 * GiB, 1024, 1000 * MiB)]
    public void ArbiterSize_IsDataBrickOverAverageFileSize(long dataKiB, long averageKiB, long expected)
    {
        Assert.Equal(expected, BrickSizing.ArbiterSize(dataKiB, averageKiB));
        Assert.Equal(dataKiB / averageKiB, BrickSizing.ArbiterSize(dataKiB, averageKiB));
    }

    [Theory]
    [InlineData(GiB, 1024)]
    [InlineData(GiB / 2, 64)]
    [InlineData(2 * GiB, 1024 * 1024)]
    public void ArbiterSize_NeverBelowTheXfsMinimum(long dataKiB, long averageKiB)
    {
        Assert.True(dataKiB / averageKiB < 300 * MiB, "the example must be below the floor");
        Assert.Equal(300 * MiB, BrickSizing.ArbiterSize(dataKiB, averageKiB));
    }

    [Fact]
    public void ArbiterSize_AtTheFloor_IsTheFloor()
    {
        Assert.Equal(300 * MiB, BrickSizing.ArbiterSize(64 * 300 * MiB, 64));
        Assert.Equal(300 * MiB, BrickSizing.ArbiterSize(GiB, 64));
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static long CeilTo(long kib, long extent) => CeilDiv(kib, extent) * extent;
}
