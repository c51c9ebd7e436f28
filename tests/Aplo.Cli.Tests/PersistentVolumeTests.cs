using k8s;
using k8s.Models;

namespace Aplo.Cli.Tests;

/// <summary>The manifests parse as Kubernetes objects with the official client's models and say what they should.</summary>
public sealed class PersistentVolumeTests : IAsyncLifetime
{
    private CliHarness cli = null!;

    public async ValueTask InitializeAsync() => cli = await CliHarness.StartLoadedAsync();

    public async ValueTask DisposeAsync() => await cli.DisposeAsync();

    [Fact]
    public async Task InTree_IsHeketiClisShape()
    {
        var pv = KubernetesJson.Deserialize<V1PersistentVolume>(
            await cli.OkAsync("volume", "create", "--size=7", "--gid=2001", "--persistent-volume", "--persistent-volume-endpoint=gluster-ep"));
        var volume = await VolumeOfAsync(pv);
        Assert.Equal("v1", pv.ApiVersion);
        Assert.Equal("PersistentVolume", pv.Kind);
        Assert.Equal("glusterfs-" + volume.Id[..8], pv.Metadata.Name);
        Assert.Equal("2001", pv.Metadata.Annotations["pv.beta.kubernetes.io/gid"]);
        Assert.Equal(new ResourceQuantity("7Gi"), pv.Spec.Capacity["storage"]);
        Assert.Equal(["ReadWriteMany"], pv.Spec.AccessModes);
        Assert.Equal("Retain", pv.Spec.PersistentVolumeReclaimPolicy);
        Assert.Equal("gluster-ep", pv.Spec.Glusterfs.Endpoints);
        Assert.Equal(volume.Name, pv.Spec.Glusterfs.Path);
        Assert.Null(pv.Spec.Csi);
    }

    [Fact]
    public async Task File_WithoutEndpoint_HasHeketiClisPlaceholder_AndNoGidAnnotationForGidZero()
    {
        await cli.OkAsync("volume", "create", "--size=1", "--persistent-volume-file=pv.json");
        var pv = KubernetesJson.Deserialize<V1PersistentVolume>(await File.ReadAllTextAsync(cli.File("pv.json"), TestContext.Current.CancellationToken));
        Assert.Equal("TYPE ENDPOINT HERE", pv.Spec.Glusterfs.Endpoints);
        Assert.False(pv.Metadata.Annotations.ContainsKey("pv.beta.kubernetes.io/gid"));
    }

    [Fact]
    public async Task Csi_NamesTheDriverAndTheVolume()
    {
        var pv = KubernetesJson.Deserialize<V1PersistentVolume>(
            await cli.OkAsync("volume", "create", "--size=2", "--persistent-volume", "--persistent-volume-format=csi", "--csi-driver=gluster.example.org"));
        var volume = await VolumeOfAsync(pv);
        Assert.Equal("aplo-" + volume.Id, pv.Metadata.Name);
        Assert.Equal("gluster.example.org", pv.Spec.Csi.Driver);
        Assert.Equal(volume.Id, pv.Spec.Csi.VolumeHandle);
        Assert.Equal(volume.Name, pv.Spec.Csi.VolumeAttributes["glustervol"]);
        Assert.Equal(volume.Mount.GlusterFS.Hosts[0], pv.Spec.Csi.VolumeAttributes["glusterserver"]);
        Assert.Equal("Filesystem", pv.Spec.VolumeMode);
        Assert.Null(pv.Spec.Glusterfs);
    }

    [Fact]
    public async Task Pool_WritesOneManifestPerVolume()
    {
        await cli.OkAsync("volume", "pool", "--count=4", "--size=1", "--persistent-volume-file=pool.json", "--persistent-volume-format=csi");
        var list = KubernetesJson.Deserialize<V1PersistentVolumeList>(await File.ReadAllTextAsync(cli.File("pool.json"), TestContext.Current.CancellationToken));
        Assert.Equal(4, list.Items.Count);
        Assert.Equal(4, list.Items.Select(p => p.Metadata.Name).Distinct().Count());
        foreach (var pv in list.Items)
        {
            await VolumeOfAsync(pv);
        }

        Assert.Equal(4, (await cli.OkAsync("volume", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
    }

    [Fact]
    public async Task Pool_StoppedByNoSpace_KeepsTheManifestsOfWhatItMade()
    {
        // Three nodes with two 500 GiB devices each hold two 400 GiB replica-3 volumes, not a third.
        var result = await cli.RunAsync("volume", "pool", "--count=5", "--size=400", "--persistent-volume-file=big.json", "--persistent-volume-format=csi");
        Assert.Equal(ExitCodes.NoSpace, result.Code);
        Assert.Contains("No space", result.Err, StringComparison.Ordinal);
        var list = KubernetesJson.Deserialize<V1PersistentVolumeList>(await File.ReadAllTextAsync(cli.File("big.json"), TestContext.Current.CancellationToken));
        Assert.Equal(2, list.Items.Count);
        Assert.Contains("2 of 5 volumes were created", result.Err, StringComparison.Ordinal);
    }

    private async Task<Aplo.Contracts.VolumeInfoResponse> VolumeOfAsync(V1PersistentVolume pv)
    {
        var id = pv.Metadata.Annotations["gluster.kubernetes.io/heketi-volume-id"];
        return System.Text.Json.JsonSerializer.Deserialize(await cli.OkAsync("volume", "info", id, "--json"), Aplo.Contracts.HeketiJsonContext.Default.VolumeInfoResponse)!;
    }
}
