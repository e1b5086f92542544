namespace Forwarder.Core.Tests.Sync;

/// <summary>
/// What Linux 6.1's own sync master sent for IPv6 connections, captured in the kernel oracle's VM by
/// KernelCapture/ipv6-sync-capture.sh: a persistent (300 s) UDP NAT service [2001:db8::10]:53 -> [2001:db8:139::11]:53,
/// the master on sync0 to the IPv6 group ff02::1:81 (the daemon listed maxlen=1452), syncid 9, and three datagrams of
/// the client [2001:db8::50]:40000. ipvsadm -Lnc showed the connection and its template, both expiring in 04:59.
/// </summary>
internal static class KernelIpv6SyncBytes
{
    /// <summary>The one message, 296 bytes: the template (first and second datagram), the connection (third), the template again.</summary>
    public const string ThreeDatagramsHex =
        "000901280401000001110048000011000000000000350035000000000000012c20010db800000000000000000000005020010db800000000000000000000001020010db801390000000000000000001101110048000011000000000000350035000000000000012c20010db800000000000000000000005020010db800000000000000000000001020010db8013900000000000000000011011100480000010000009c4000350035000000000000012c20010db800000000000000000000005020010db800000000000000000000001020010db801390000000000000000001101110048000011000000000000350035000000000000012c20010db800000000000000000000005020010db800000000000000000000001020010db8013900000000000000000011";

    public static byte[] ThreeDatagrams => Convert.FromHexString(ThreeDatagramsHex);
}
