namespace Forwarder.Core.Ownership;

/// <summary>
/// When a taken address is announced: rounds of gratuitous ARP, each of <see cref="FramesPerRound"/> frames sent back to
/// back, the rounds <see cref="RoundSpacingMicroseconds"/> apart. The default is keepalived's on becoming MASTER
/// (vrrp_garp_master_repeat 5 with vrrp_garp_interval 0, then again after vrrp_garp_master_delay 5 s): a neighbour
/// that missed the first round (a frame lost, a switch still learning) is corrected by the second. keepalived sends an
/// IPv6 address's unsolicited Neighbour Advertisements on the same settings (its vrrp_send_link_update does both).
/// </summary>
public sealed record GratuitousArpSchedule(int Rounds = 2, int FramesPerRound = 5, long RoundSpacingMicroseconds = 5_000_000)
{
    public static readonly GratuitousArpSchedule KeepalivedDefault = new();
}
