using System.Text.Json;
using System.Text.Json.Nodes;
using Aplo.Contracts;

namespace Aplo.Cli;

internal static class VolumeCommands
{
    private static readonly Flag[] CreateFlags =
    [
        new("size", null, false, "size in GiB"),
        new("name", null, false, "volume name (default vol_<id>)"),
        new("durability", null, false, "replicate, disperse or none", "replicate"),
        new("replica", null, false, "replica count for replicate", "3"),
        new("disperse-data", null, false, "data bricks per set for disperse", "4"),
        new("redundancy", null, false, "redundancy bricks per set for disperse", "2"),
        new("snapshot-factor", null, false, "thin pool size factor; above 1 enables snapshots", "1.0"),
        new("clusters", null, false, "comma list of cluster ids to choose from"),
        new("gluster-volume-options", null, false, "comma list of \"key value\" gluster options"),
        new("gid", null, false, "group id owning the volume's root", "0"),
        new("block", null, true, "create a block-hosting volume"),
        new("persistent-volume", null, true, "print a Kubernetes PersistentVolume instead of the volume"),
        new("persistent-volume-endpoint", null, false, "endpoints object the glusterfs PersistentVolume names"),
        new("persistent-volume-file", null, false, "write the PersistentVolume to this file"),
        new("persistent-volume-format", null, false, "glusterfs (in-tree, as heketi-cli) or csi", "glusterfs"),
        new("csi-driver", null, false, "CSI driver name for --persistent-volume-format=csi", PersistentVolumes.DefaultCsiDriver),
    ];

    public static readonly Command Tree = new("volume", "Create, list, inspect, expand and delete volumes")
    {
        Children =
        [
            new("create", "Create a volume") { Flags = CreateFlags, Run = CreateAsync },
            new("pool", "Create N volumes up front and write their PersistentVolume manifests")
            {
                Flags = [new("count", null, false, "how many volumes"), .. CreateFlags.Where(f => f.Name != "persistent-volume")],
                Run = PoolAsync,
            },
            new("list", "List volumes") { Run = ListAsync },
            new("info", "Show a volume and its bricks", "<volume-id>") { Run = InfoAsync },
            new("delete", "Delete a volume and its bricks", "<volume-id>") { Run = DeleteAsync },
            new("expand", "Add space to a volume")
            {
                Flags = [new("volume", null, false, "volume id"), new("expand-size", null, false, "GiB to add")],
                Run = ExpandAsync,
            },
            new("clone", "Clone a volume", "<volume-id>") { Flags = [new("name", null, false, "name of the clone")], Run = CloneAsync },
            new("set-block-hosting-restriction", "Lock or unlock a block-hosting volume", "locked|unlocked <volume-id>") { Run = RestrictAsync },
            new("endpoint", "Kubernetes endpoints for a volume")
            {
                Children = [new("patch", "Print a patch for the volume's endpoints object", "<volume-id>") { Run = EndpointPatchAsync }],
            },
        ],
    };

    internal static VolumeCreateRequest Request(ParsedLine line, string? name)
    {
        var size = line.Long("size", -1);
        if (size < 1)
        {
            throw new UsageException($"'aplo {line.Name}' needs --size (GiB, 1 or more)");
        }

        var type = line.Value("durability") ?? "replicate";
        var durability = type switch
        {
            "replicate" => new VolumeDurabilityInfo { Type = type, Replicate = new() { Replica = (int)line.Long("replica", 3) } },
            "disperse" => new VolumeDurabilityInfo { Type = type, Disperse = new() { Data = (int)line.Long("disperse-data", 4), Redundancy = (int)line.Long("redundancy", 2) } },
            "none" => new VolumeDurabilityInfo { Type = type },
            _ => throw new UsageException($"--durability: '{type}' is not replicate, disperse or none"),
        };
        var factor = line.Double("snapshot-factor", 1.0);
        return new VolumeCreateRequest
        {
            Size = size,
            Name = name,
            Durability = durability,
            Gid = line.Long("gid", 0),
            Block = line.Bool("block"),
            Clusters = line.Value("clusters") is { Length: > 0 } c ? c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
            GlusterVolumeOptions = line.Value("gluster-volume-options") is { Length: > 0 } o ? o.Split(',', StringSplitOptions.TrimEntries) : null,
            Snapshot = factor > 1 ? new VolumeSnapshotInfo { Enable = true, Factor = (float)factor } : new VolumeSnapshotInfo(),
        };
    }

    private static (PvFormat Format, string Endpoint, string Driver) PvOptions(ParsedLine line) =>
        (PersistentVolumes.ParseFormat(line.Value("persistent-volume-format")),
         line.Value("persistent-volume-endpoint") ?? PersistentVolumes.EndpointPlaceholder,
         line.Value("csi-driver") ?? PersistentVolumes.DefaultCsiDriver);

    private static async Task<int> CreateAsync(Invocation i)
    {
        var line = i.Line;
        var request = Request(line, line.Value("name"));
        var pv = PvOptions(line);
        var wantsPv = line.Bool("persistent-volume") || line.Has("persistent-volume-file");
        if (line.Bool("persistent-volume") && pv.Format == PvFormat.Glusterfs && !line.Has("persistent-volume-endpoint") && !line.Has("persistent-volume-file"))
        {
            // As heketi-cli: a printed in-tree PV must name its endpoints.
            throw new UsageException("--persistent-volume needs --persistent-volume-endpoint (or --persistent-volume-format=csi)");
        }

        var json = await CreateOneAsync(i, request, "Creating volume");
        var volume = Invocation.Parse(json, HeketiJsonContext.Default.VolumeInfoResponse);
        if (!wantsPv)
        {
            return await i.ShowAsync(json, () => Views.Volume(volume));
        }

        var manifest = PersistentVolumes.Render([PersistentVolumes.Build(volume, pv.Format, pv.Endpoint, pv.Driver)]);
        if (line.Value("persistent-volume-file") is { Length: > 0 } file)
        {
            await File.WriteAllTextAsync(i.PathOf(file), manifest, i.Ct);
            return await i.ShowAsync(json, () => Views.Volume(volume) + $"\nPersistentVolume written to {file}\n");
        }

        await i.Out.WriteAsync(manifest);
        return ExitCodes.Ok;
    }

    private static async Task<string> CreateOneAsync(Invocation i, VolumeCreateRequest request, string doing) =>
        await i.Api.RunAsync(HttpMethod.Post, "/volumes", JsonSerializer.Serialize(request, HeketiJsonContext.Default.VolumeCreateRequest), doing, i.Ct)
            ?? throw new JsonException("the server finished the volume create without the volume");

    /// <summary>
    /// The pre-created pool: N volumes made one after another (so "No space" stops the pool where it happens), then
    /// every manifest in one v1 List. Volumes made before a failure still get their manifests.
    /// </summary>
    private static async Task<int> PoolAsync(Invocation i)
    {
        var count = i.Line.Long("count", -1);
        if (count < 1)
        {
            throw new UsageException("'aplo volume pool' needs --count (1 or more)");
        }

        var pv = PvOptions(i.Line);
        var prefix = i.Line.Value("name");
        var file = i.Line.Value("persistent-volume-file");
        Request(i.Line, null);
        var made = new List<VolumeInfoResponse>();
        var raw = new List<string>();
        ServerException? failure = null;
        for (var n = 1; n <= count; n++)
        {
            try
            {
                var json = await CreateOneAsync(i, Request(i.Line, prefix is null ? null : $"{prefix}-{n}"), $"Creating volume {n} of {count}");
                raw.Add(json.TrimEnd('\n'));
                made.Add(Invocation.Parse(json, HeketiJsonContext.Default.VolumeInfoResponse));
            }
            catch (ServerException ex)
            {
                failure = ex;
                break;
            }
        }

        var manifests = PersistentVolumes.Render([.. made.Select(v => PersistentVolumes.Build(v, pv.Format, pv.Endpoint, pv.Driver))]);
        if (made.Count > 0)
        {
            if (file is { Length: > 0 })
            {
                await File.WriteAllTextAsync(i.PathOf(file), manifests, i.Ct);
                await i.ShowAsync("{\"volumes\":[" + string.Join(",", raw) + "]}", () => Views.VolumeTable(made) + $"\n{made.Count} PersistentVolumes written to {file}\n");
            }
            else
            {
                await i.Out.WriteAsync(manifests);
            }
        }

        if (failure is not null)
        {
            await i.Err.WriteLineAsync($"Error: volume {made.Count + 1} of {count}: {failure.Message}");
            await i.Err.WriteLineAsync($"{made.Count} of {count} volumes were created{(made.Count > 0 ? " and their manifests written" : string.Empty)}.");
            return CliApp.CodeOf(failure);
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> ListAsync(Invocation i)
    {
        if (i.Json)
        {
            return await i.ShowAsync(await i.Api.GetAsync("/volumes", i.Ct), () => string.Empty);
        }

        var topology = await TopologyReader.ReadSummaryAsync(i, i.Ct);
        var volumes = topology.Clusters.SelectMany(c => c.Volumes).ToList();
        return volumes.Count == 0 ? await i.SayAsync("No volumes.") : await i.ShowAsync(string.Empty, () => Views.VolumeTable(volumes));
    }

    private static async Task<int> InfoAsync(Invocation i)
    {
        var json = await i.Api.GetAsync("/volumes/" + i.Line.Id("volume id"), i.Ct);
        return await i.ShowAsync(json, () => Views.Volume(Invocation.Parse(json, HeketiJsonContext.Default.VolumeInfoResponse)));
    }

    private static async Task<int> DeleteAsync(Invocation i)
    {
        var id = i.Line.Id("volume id");
        await i.Api.RunAsync(HttpMethod.Delete, "/volumes/" + id, null, "Deleting volume " + id, i.Ct);
        return await i.SayAsync($"Volume {id} deleted");
    }

    private static async Task<int> ExpandAsync(Invocation i)
    {
        var id = i.Line.RequireId("volume");
        var add = i.Line.Long("expand-size", -1);
        if (add < 1)
        {
            throw new UsageException("'aplo volume expand' needs --expand-size (GiB, 1 or more)");
        }

        var body = JsonSerializer.Serialize(new VolumeExpandRequest { ExpandSize = add }, HeketiJsonContext.Default.VolumeExpandRequest);
        var json = await i.Api.RunAsync(HttpMethod.Post, $"/volumes/{id}/expand", body, $"Expanding volume {id} by {Output.GiB(add)}", i.Ct)
            ?? throw new JsonException("the server finished the expand without the volume");
        return await i.ShowAsync(json, () => Views.Volume(Invocation.Parse(json, HeketiJsonContext.Default.VolumeInfoResponse)));
    }

    private static async Task<int> CloneAsync(Invocation i)
    {
        var id = i.Line.Id("volume id");
        var body = new JsonObject();
        if (i.Line.Value("name") is { } name)
        {
            body["name"] = name;
        }

        var json = await i.Api.RunAsync(HttpMethod.Post, $"/volumes/{id}/clone", body.ToJsonString(), "Cloning volume " + id, i.Ct)
            ?? throw new JsonException("the server finished the clone without the volume");
        return await i.ShowAsync(json, () => Views.Volume(Invocation.Parse(json, HeketiJsonContext.Default.VolumeInfoResponse)));
    }

    private static async Task<int> RestrictAsync(Invocation i)
    {
        if (i.Line.Arguments.Count != 2 || i.Line.Arguments[0] is not ("locked" or "unlocked"))
        {
            throw new UsageException("'aplo volume set-block-hosting-restriction' takes locked|unlocked and a volume id");
        }

        var restriction = i.Line.Arguments[0] == "locked" ? "locked" : string.Empty;
        var json = await i.Api.RunAsync(HttpMethod.Post, $"/volumes/{ParsedLine.CheckId(i.Line.Arguments[1], "volume id")}/block-restriction", new JsonObject { ["restriction"] = restriction }.ToJsonString(), "Changing restriction", i.Ct);
        return json is null ? ExitCodes.Ok : await i.ShowAsync(json, () => Views.Volume(Invocation.Parse(json, HeketiJsonContext.Default.VolumeInfoResponse)));
    }

    private static async Task<int> EndpointPatchAsync(Invocation i)
    {
        var volume = Invocation.Parse(await i.Api.GetAsync("/volumes/" + i.Line.Id("volume id"), i.Ct), HeketiJsonContext.Default.VolumeInfoResponse);

        // The patch kubectl applies to the endpoints object: every host of the volume, on the placeholder port 1.
        var patch = new JsonObject
        {
            ["subsets"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray([.. volume.Mount.GlusterFS.Hosts.Select(h => (JsonNode)new JsonObject { ["ip"] = h })]),
                ["ports"] = new JsonArray(new JsonObject { ["port"] = 1 }),
            }),
        };
        await i.Out.WriteLineAsync(patch.ToJsonString());
        return ExitCodes.Ok;
    }
}
