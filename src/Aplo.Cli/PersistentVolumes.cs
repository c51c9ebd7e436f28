using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aplo.Contracts;

namespace Aplo.Cli;

/// <summary>Which PersistentVolume source a manifest uses.</summary>
internal enum PvFormat
{
    /// <summary><c>spec.glusterfs</c>, the in-tree plugin heketi-cli wrote for (removed from Kubernetes in 1.26).</summary>
    Glusterfs,

    /// <summary><c>spec.csi</c> for Aplo's CSI driver: what a current cluster mounts.</summary>
    Csi,
}

/// <summary>PersistentVolume manifests for pre-created volumes, ready for <c>kubectl create -f</c>.</summary>
internal static class PersistentVolumes
{
    /// <summary>The CSI driver name Aplo's driver registers (override with --csi-driver).</summary>
    public const string DefaultCsiDriver = "glusterfs.aplo.example";

    /// <summary>heketi-cli's placeholder when no endpoints object is named.</summary>
    public const string EndpointPlaceholder = "TYPE ENDPOINT HERE";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject Build(VolumeInfoResponse volume, PvFormat format, string endpoint, string csiDriver)
    {
        var annotations = new JsonObject
        {
            // The provisioner's annotation: lets a later delete find the volume even under a custom name.
            ["gluster.kubernetes.io/heketi-volume-id"] = volume.Id,
        };
        if (volume.Gid > 0)
        {
            // kubelet adds this group to the pod's supplemental groups, so non-root pods can write.
            annotations["pv.beta.kubernetes.io/gid"] = volume.Gid.ToString(CultureInfo.InvariantCulture);
        }

        var spec = new JsonObject
        {
            ["capacity"] = new JsonObject { ["storage"] = volume.Size.ToString(CultureInfo.InvariantCulture) + "Gi" },
            ["accessModes"] = new JsonArray("ReadWriteMany"),
            ["persistentVolumeReclaimPolicy"] = "Retain",
        };
        var mount = volume.Mount.GlusterFS;
        if (format == PvFormat.Glusterfs)
        {
            spec["glusterfs"] = new JsonObject { ["endpoints"] = endpoint, ["path"] = volume.Name };
        }
        else
        {
            spec["volumeMode"] = "Filesystem";
            spec["csi"] = new JsonObject
            {
                ["driver"] = csiDriver,
                ["volumeHandle"] = volume.Id,
                ["volumeAttributes"] = new JsonObject
                {
                    ["glustervol"] = volume.Name,
                    ["glusterserver"] = mount.Hosts.Count > 0 ? mount.Hosts[0] : string.Empty,
                    ["glusterbkpservers"] = string.Join(",", mount.Hosts.Skip(1)),
                },
            };
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolume",
            ["metadata"] = new JsonObject
            {
                // heketi-cli's name for the in-tree form; the whole id for CSI, so a pool's names can never collide.
                ["name"] = format == PvFormat.Glusterfs ? "glusterfs-" + volume.Id[..Math.Min(8, volume.Id.Length)] : "aplo-" + volume.Id,
                ["annotations"] = annotations,
            },
            ["spec"] = spec,
        };
    }

    /// <summary>One manifest, or a v1 List of them (kubectl create -f takes either).</summary>
    public static string Render(IReadOnlyList<JsonObject> volumes)
    {
        JsonNode node = volumes.Count == 1
            ? volumes[0]
            : new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. volumes]) };
        return node.ToJsonString(Indented) + "\n";
    }

    public static PvFormat ParseFormat(string? text) => text switch
    {
        null or "glusterfs" or "in-tree" => PvFormat.Glusterfs,
        "csi" => PvFormat.Csi,
        _ => throw new UsageException($"--persistent-volume-format: '{text}' is not glusterfs or csi"),
    };
}
