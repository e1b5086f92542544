namespace Forwarder.Core.Sync;

/// <summary>One direction's TCP sequence adjustment (<c>struct ip_vs_seq</c>), which the sequence option carries for NAT helpers.</summary>
public readonly record struct SyncSequence(uint InitialSequence, uint Delta, uint PreviousDelta);
