package cn.tongban.catalog;

import cn.tongban.security.CurrentActor;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The supply list and the negative list. */
@RestController
@RequestMapping("/api/catalog")
class ResourceController {

    private final SupplyList supplyList;
    private final NegativeList negativeList;

    ResourceController(SupplyList supplyList, NegativeList negativeList) {
        this.supplyList = supplyList;
        this.negativeList = negativeList;
    }

    @GetMapping("/resources")
    List<Resource> resources(
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) ResourceCategory category,
            @RequestParam(required = false) String q) {
        CurrentActor.get();
        return supplyList.list(provider, category, q);
    }

    @PostMapping("/resources")
    ResponseEntity<Resource> publish(@Valid @RequestBody SupplyList.ResourceRequest request) {
        Resource resource = supplyList.publish(request, CurrentActor.get());
        return ResponseEntity.created(URI.create("/api/catalog/resources/" + resource.code()))
                .body(resource);
    }

    @GetMapping("/resources/{code}")
    Resource resource(@PathVariable String code) {
        CurrentActor.get();
        return supplyList.get(code);
    }

    @PutMapping("/resources/{code}")
    Resource update(@PathVariable String code, @Valid @RequestBody SupplyList.ResourceRequest request) {
        return supplyList.update(code, request, CurrentActor.get());
    }

    @GetMapping("/negative-list")
    List<NegativeListEntry> negativeList(
            @RequestParam(required = false) String provider, @RequestParam(required = false) String resource) {
        CurrentActor.get();
        return negativeList.list(provider, resource);
    }

    @PostMapping("/negative-list")
    ResponseEntity<NegativeListEntry> addToNegativeList(@Valid @RequestBody NegativeList.EntryRequest request) {
        NegativeListEntry entry = negativeList.add(request, CurrentActor.get());
        return ResponseEntity.created(URI.create("/api/catalog/negative-list/" + entry.id()))
                .body(entry);
    }

    @DeleteMapping("/negative-list/{id}")
    ResponseEntity<Void> removeFromNegativeList(@PathVariable UUID id) {
        negativeList.remove(id, CurrentActor.get());
        return ResponseEntity.noContent().build();
    }
}
