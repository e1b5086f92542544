namespace Forwarder.Core.Scheduling;

/// <summary>
/// The scheduler flags of a service (ipvsadm -b), as the kernel keeps them: three bits that each
/// scheduler reads in its own way. sh and mh both read the first bit as "fallback" and the second as
/// "port", so "sh-fallback", "mh-fallback" and "flag-1" all set the same bit.
/// </summary>
public readonly record struct SchedulerFlagSet(int Bits)
{
    /// <summary>IP_VS_SVC_F_SCHED1: sh-fallback / mh-fallback / flag-1.</summary>
    public const int Scheduler1 = 0x0008;

    /// <summary>IP_VS_SVC_F_SCHED2: sh-port / mh-port / flag-2.</summary>
    public const int Scheduler2 = 0x0010;

    /// <summary>IP_VS_SVC_F_SCHED3: flag-3, read by no scheduler in the kernel today.</summary>
    public const int Scheduler3 = 0x0020;

    public static readonly SchedulerFlagSet None = new(0);

    /// <summary>sh and mh: when the hashed server is unusable, look further round the table.</summary>
    public bool Fallback => (Bits & Scheduler1) != 0;

    /// <summary>sh and mh: mix the client's port into the hash.</summary>
    public bool HashesPort => (Bits & Scheduler2) != 0;

    /// <summary>
    /// Reads a comma-separated list as ipvsadm's -b takes it. Empty items are skipped (ipvsadm splits with
    /// strtok, which does the same). An unknown name is refused with ipvsadm's words.
    /// </summary>
    public static bool TryParse(string? text, out SchedulerFlagSet flags, out string error) =>
        TryParse(text, schedulerName: null, out flags, out error);

    /// <summary>
    /// As <see cref="TryParse(string?, out SchedulerFlagSet, out string)"/>, and, as ipvsadm does when it
    /// knows the scheduler, refuses the sh-* names for a scheduler other than sh and the mh-* names for one
    /// other than mh. The generic flag-1/2/3 names fit every scheduler.
    /// </summary>
    public static bool TryParse(string? text, string? schedulerName, out SchedulerFlagSet flags, out string error)
    {
        flags = None;
        error = string.Empty;
        var rest = (text ?? string.Empty).AsSpan();
        var bits = 0;
        while (!rest.IsEmpty)
        {
            var comma = rest.IndexOf(',');
            var name = comma < 0 ? rest : rest[..comma];
            rest = comma < 0 ? ReadOnlySpan<char>.Empty : rest[(comma + 1)..];
            if (name.IsEmpty)
            {
                continue;
            }
            var (bit, onlyFor) = Lookup(name);
            if (bit == 0)
            {
                error = $"invalid scheduler flag `{EchoedText.Of(name.ToString())}'";
                return false;
            }
            if (onlyFor is not null && schedulerName is not null && schedulerName != onlyFor)
            {
                error = $"incompatible scheduler flag `{EchoedText.Of(name.ToString())}'";
                return false;
            }
            bits |= bit;
        }
        flags = new SchedulerFlagSet(bits);
        return true;
    }

    /// <summary>The flags a service carries; a text that does not parse (the CLI refuses those first) counts as none.</summary>
    public static SchedulerFlagSet Of(string? text) => TryParse(text, out var flags, out _) ? flags : None;

    private static (int Bit, string? OnlyFor) Lookup(ReadOnlySpan<char> name) => name switch
    {
        "flag-1" => (Scheduler1, null),
        "flag-2" => (Scheduler2, null),
        "flag-3" => (Scheduler3, null),
        "sh-fallback" => (Scheduler1, "sh"),
        "sh-port" => (Scheduler2, "sh"),
        "mh-fallback" => (Scheduler1, "mh"),
        "mh-port" => (Scheduler2, "mh"),
        _ => (0, null),
    };
}
