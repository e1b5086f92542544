namespace Forwarder.Core.Tests.Sync;

/// <summary>
/// Sync messages written out byte by byte from the kernel's struct layout (ip_vs_sync.c: struct ip_vs_sync_mesg, then
/// struct ip_vs_sync_v4 entries), each checked against what Linux 6.1's own master sent in the conformance guest
/// (tests/Forwarder.Conformance/guest/sync-tap.c captured it: syncid 9, a NAT service 192.168.1.10:80 -> .139.11:8080,
/// a persistent DR service 192.168.1.11:443 -> .139.10, a tunnelled UDP service 192.168.1.12:53 -> .139.11).
/// </summary>
internal static class KernelSyncBytes
{
    /// <summary>
    /// The master's message after flow A (10.7.0.1:40001, FIN from ESTABLISHED: CLOSE_WAIT) and flow B
    /// (10.7.0.2:40002, RST: CLOSE) closed, with B's template, ASSURED: three entries, 116 bytes.
    /// </summary>
    public static readonly byte[] ClosingFlows =
    [
        // Header: reserved 0 (a v0 reader sees no connections), syncid 9, size 116, 3 entries, version 1, spare 0.
        0x00, 0x09, 0x00, 0x74, 0x03, 0x01, 0x00, 0x00,

        // Entry 1: type 0 (IPv4), protocol 6 (TCP), ver_size 0x0024 (version 0, 36 bytes).
        0x00, 0x06, 0x00, 0x24,
        // flags 0x00000100: IP_VS_CONN_F_INACTIVE, masquerading (0).
        0x00, 0x00, 0x01, 0x00,
        // state 7 (CLOSE_WAIT), cport 40001.
        0x00, 0x07, 0x9c, 0x41,
        // vport 80, dport 8080.
        0x00, 0x50, 0x1f, 0x90,
        // fwmark 0, timeout 60 s (CLOSE_WAIT's).
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3c,
        // caddr 10.7.0.1, vaddr 192.168.1.10, daddr 192.168.139.11.
        0x0a, 0x07, 0x00, 0x01, 0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x8b, 0x0b,

        // Entry 2: IPv4 TCP, 36 bytes.
        0x00, 0x06, 0x00, 0x24,
        // flags 0x00000183: INACTIVE | NOOUTPUT | direct routing (3).
        0x00, 0x00, 0x01, 0x83,
        // state 6 (CLOSE), cport 40002; vport 443, dport 443.
        0x00, 0x06, 0x9c, 0x42, 0x01, 0xbb, 0x01, 0xbb,
        // fwmark 0, timeout 10 s (CLOSE's).
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,
        // caddr 10.7.0.2, vaddr 192.168.1.11, daddr 192.168.139.10.
        0x0a, 0x07, 0x00, 0x02, 0xc0, 0xa8, 0x01, 0x0b, 0xc0, 0xa8, 0x8b, 0x0a,

        // Entry 3: the template. IPv4 TCP, 36 bytes.
        0x00, 0x06, 0x00, 0x24,
        // flags 0x00001183: TEMPLATE | INACTIVE | NOOUTPUT | direct routing, as its destination's connection flags.
        0x00, 0x00, 0x11, 0x83,
        // state 1 (IP_VS_CTPL_S_ASSURED), cport 0 (templates key the client alone); vport 443, dport 443.
        0x00, 0x01, 0x00, 0x00, 0x01, 0xbb, 0x01, 0xbb,
        // fwmark 0, timeout 600 s (persistent 600).
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x58,
        // caddr 10.7.0.2, vaddr 192.168.1.11, daddr 192.168.139.10.
        0x0a, 0x07, 0x00, 0x02, 0xc0, 0xa8, 0x01, 0x0b, 0xc0, 0xa8, 0x8b, 0x0a,
    ];

    /// <summary>The kernel's first message of that run (six entries, 224 bytes), as captured, in hex.</summary>
    public const string OpeningFlowsHex =
        "000900e006010000" +
        "000600240000000000019c4100501f9000000000000003840a070001c0a8010ac0a88b0b" +
        "00060024000011830000000001bb01bb00000000000002580a070002c0a8010bc0a88b0a" +
        "00060024000011830001000001bb01bb00000000000002580a070002c0a8010bc0a88b0a" +
        "000600240000008300019c4201bb01bb00000000000003840a070002c0a8010bc0a88b0a" +
        "00060024000011830001000001bb01bb00000000000002580a070002c0a8010bc0a88b0a" +
        "001100240000018200009c4300350035000000000000012c0a070003c0a8010cc0a88b0b";

    public static byte[] FromHex(string hex) => Convert.FromHexString(hex);
}
