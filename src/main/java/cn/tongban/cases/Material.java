package cn.tongban.cases;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * 申请材料: one attachment, named by its SM3 digest; the hub never holds the content, which moves
 * between the offices' own systems and is checked against this digest.
 */
public record Material(
        @NotBlank @Size(max = 200) String name,

        @NotNull
        @Pattern(
                regexp = "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}$",
                message = "must be a media type such as application/pdf")
        String mediaType,

        @NotNull @PositiveOrZero @Max(value = 10L * 1024 * 1024 * 1024, message = "must be at most 10 GiB")
        Long size,

        @NotNull @Pattern(regexp = "^[0-9a-f]{64}$", message = "must be an SM3 digest: 64 lower-case hex digits")
        String sm3) {}
