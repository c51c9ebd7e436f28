namespace Aplo.Executors.Tests;

/// <summary>
/// Replies captured from the lab (glusterfs 10.3, deploy/lab) by LabTests. Differences from the documented
/// shape: no stripeCount, the brick's uuid attribute is the host's uuid, and a missing volume exits 0 with
/// opRet -1.
/// </summary>
public static class GlusterLabSamples
{
    public const string VolumeInfo = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cliOutput>
          <opRet>0</opRet>
          <opErrno>0</opErrno>
          <opErrstr/>
          <volInfo>
            <volumes>
              <volume>
                <name>lab_5edfc55c</name>
                <id>6520ecb2-f3d7-429d-8f67-6535b4b22f1e</id>
                <status>1</status>
                <statusStr>Started</statusStr>
                <snapshotCount>0</snapshotCount>
                <brickCount>3</brickCount>
                <distCount>1</distCount>
                <replicaCount>3</replicaCount>
                <arbiterCount>0</arbiterCount>
                <disperseCount>0</disperseCount>
                <redundancyCount>0</redundancyCount>
                <type>2</type>
                <typeStr>Replicate</typeStr>
                <transport>0</transport>
                <bricks>
                  <brick uuid="eb11625c-064b-4990-b943-f8c8785f4fe0">10.213.13.11:/var/lib/heketi/mounts/vg_801ff45e860d4019828af39073376bc5/brick_3f29bdf3484842efab836e13220dcdb6/brick<name>10.213.13.11:/var/lib/heketi/mounts/vg_801ff45e860d4019828af39073376bc5/brick_3f29bdf3484842efab836e13220dcdb6/brick</name><hostUuid>eb11625c-064b-4990-b943-f8c8785f4fe0</hostUuid><isArbiter>0</isArbiter></brick>
                  <brick uuid="00dc2b42-2936-4d38-b7d9-ecc5adcec356">10.213.13.12:/var/lib/heketi/mounts/vg_f51bd08ac4ef43d5b46ef063144c682e/brick_fa1dc09ac21b449ab7f70c50989c5a91/brick<name>10.213.13.12:/var/lib/heketi/mounts/vg_f51bd08ac4ef43d5b46ef063144c682e/brick_fa1dc09ac21b449ab7f70c50989c5a91/brick</name><hostUuid>00dc2b42-2936-4d38-b7d9-ecc5adcec356</hostUuid><isArbiter>0</isArbiter></brick>
                  <brick uuid="ef86944a-9ccf-47e8-a3c6-50b117a817a8">10.213.13.13:/var/lib/heketi/mounts/vg_32ac69a1e09b45e9900316fb6d990b36/brick_e99fc4b8a5f446de9cd9d40ad5de485b/brick<name>10.213.13.13:/var/lib/heketi/mounts/vg_32ac69a1e09b45e9900316fb6d990b36/brick_e99fc4b8a5f446de9cd9d40ad5de485b/brick</name><hostUuid>ef86944a-9ccf-47e8-a3c6-50b117a817a8</hostUuid><isArbiter>0</isArbiter></brick>
                </bricks>
                <optCount>6</optCount>
                <options>
                  <option>
                    <name>user.heketi.id</name>
                    <value>bc8e908a68b44e069fb1bfb55b3ff712</value>
                  </option>
                  <option>
                    <name>cluster.granular-entry-heal</name>
                    <value>on</value>
                  </option>
                  <option>
                    <name>storage.fips-mode-rchecksum</name>
                    <value>on</value>
                  </option>
                  <option>
                    <name>transport.address-family</name>
                    <value>inet</value>
                  </option>
                  <option>
                    <name>nfs.disable</name>
                    <value>on</value>
                  </option>
                  <option>
                    <name>performance.client-io-threads</name>
                    <value>off</value>
                  </option>
                </options>
              </volume>
              <count>1</count>
            </volumes>
          </volInfo>
        </cliOutput>
        """;

    public const string VolumeInfoMissing = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cliOutput>
          <opRet>-1</opRet>
          <opErrno>30806</opErrno>
          <opErrstr>Volume does not exist</opErrstr>
          <volInfo>
            <volumes>
              <count>0</count>
            </volumes>
          </volInfo>
        </cliOutput>
        """;

    public const string HealInfo = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cliOutput>
          <healInfo>
            <bricks>
              <brick hostUuid="eb11625c-064b-4990-b943-f8c8785f4fe0">
                <name>10.213.13.11:/var/lib/heketi/mounts/vg_801ff45e860d4019828af39073376bc5/brick_3f29bdf3484842efab836e13220dcdb6/brick</name>
                <status>Connected</status>
                <numberOfEntries>0</numberOfEntries>
              </brick>
              <brick hostUuid="00dc2b42-2936-4d38-b7d9-ecc5adcec356">
                <name>10.213.13.12:/var/lib/heketi/mounts/vg_f51bd08ac4ef43d5b46ef063144c682e/brick_fa1dc09ac21b449ab7f70c50989c5a91/brick</name>
                <status>Connected</status>
                <numberOfEntries>0</numberOfEntries>
              </brick>
              <brick hostUuid="ef86944a-9ccf-47e8-a3c6-50b117a817a8">
                <name>10.213.13.13:/var/lib/heketi/mounts/vg_32ac69a1e09b45e9900316fb6d990b36/brick_e99fc4b8a5f446de9cd9d40ad5de485b/brick</name>
                <status>Connected</status>
                <numberOfEntries>0</numberOfEntries>
              </brick>
            </bricks>
          </healInfo>
          <opRet>0</opRet>
          <opErrno>0</opErrno>
          <opErrstr/>
        </cliOutput>
        """;
}
