/// Dealhook's version, as `dealhook version` prints it and `User-Agent` will carry it.
public enum DealhookVersion {
    public static let current = "0.1.0"
}
