package cn.tongban.console;

import cn.tongban.security.CurrentActor;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** The login page, the landing page after it, the refusal page and the pages still to come. */
@Controller
@RequestMapping("/console")
class ConsolePageController {

    @GetMapping("/login")
    String login() {
        return "console/login";
    }

    /** The first page the person's menu opens. */
    @GetMapping({"", "/"})
    String home() {
        return ConsoleModel.menu(CurrentActor.get()).stream()
                .findFirst()
                .map(item -> "redirect:" + item.path())
                .orElse("console/denied");
    }

    @GetMapping("/denied")
    String denied(Model model) {
        return "console/denied";
    }
}
